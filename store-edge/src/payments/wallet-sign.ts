// The signatures and encodings of the wallet providers' wire protocols, shared by the real
// clients (wechat-pay.ts, alipay.ts) and the test sandbox that checks them
// (testing/wallet-sandbox.ts). Pure functions over node:crypto.
//
// WeChat Pay API v3: every request carries `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=..,
// nonce_str=.., timestamp=.., serial_no=.., signature=..`, the merchant's RSA-SHA256 over
// "METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n"; every answer carries Wechatpay-Timestamp /
// -Nonce / -Signature, the platform's RSA-SHA256 over "TIMESTAMP\nNONCE\nBODY\n".
// WeChat Pay API v2 (micropay, reverse): flat XML, `sign` = HMAC-SHA256 of the sorted non-empty
// fields "k=v&...&key=API_KEY", upper-case hex.
// Alipay (openapi gateway.do): form fields signed RSA2 (RSA-SHA256) over the sorted "k=v&..."
// without `sign`; the answer `{"<method>_response": {...}, "sign": ".."}` is signed over the
// exact JSON text of the response object.
import { createHmac, createSign, createVerify, type KeyObject, randomBytes } from "node:crypto";

export const WECHAT_V3_SCHEMA = "WECHATPAY2-SHA256-RSA2048";

export function rsaSign(message: string, key: KeyObject | string): string {
  return createSign("RSA-SHA256").update(message, "utf8").sign(key, "base64");
}

export function rsaVerify(message: string, signature: string, key: KeyObject | string): boolean {
  try {
    return createVerify("RSA-SHA256").update(message, "utf8").verify(key, signature, "base64");
  } catch {
    return false;
  }
}

export const nonce = () => randomBytes(16).toString("hex");

/** The v3 request message the merchant signs. */
export function wechatV3Message(
  method: string,
  pathAndQuery: string,
  ts: string,
  n: string,
  body: string,
): string {
  return `${method}\n${pathAndQuery}\n${ts}\n${n}\n${body}\n`;
}

export function wechatV3Authorization(o: {
  mchId: string;
  serialNo: string;
  key: KeyObject | string;
  method: string;
  pathAndQuery: string;
  body: string;
  ts?: string;
  nonce?: string;
}): string {
  const ts = o.ts ?? String(Math.floor(Date.now() / 1000));
  const n = o.nonce ?? nonce();
  const signature = rsaSign(wechatV3Message(o.method, o.pathAndQuery, ts, n, o.body), o.key);
  return `${WECHAT_V3_SCHEMA} mchid="${o.mchId}",nonce_str="${n}",timestamp="${ts}",serial_no="${o.serialNo}",signature="${signature}"`;
}

/** The fields of a v3 Authorization header; undefined when it is not one. */
export function parseWechatV3Authorization(header: string): Record<string, string> | undefined {
  if (!header.startsWith(`${WECHAT_V3_SCHEMA} `)) return undefined;
  const out: Record<string, string> = {};
  for (const m of header.slice(WECHAT_V3_SCHEMA.length + 1).matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** v2 sign: HMAC-SHA256 over the sorted non-empty fields and the API key, upper-case hex. */
export function wechatV2Sign(fields: Record<string, string>, apiKey: string): string {
  const text = Object.keys(fields)
    .filter((k) => k !== "sign" && fields[k] !== "")
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join("&");
  return createHmac("sha256", apiKey).update(`${text}&key=${apiKey}`, "utf8").digest("hex").toUpperCase();
}

/** A flat v2 XML document: <xml><k><![CDATA[v]]></k>...</xml>. */
export function toWechatXml(fields: Record<string, string>): string {
  const cdata = (v: string) => v.replaceAll("]]>", "]]]]><![CDATA[>");
  return `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}><![CDATA[${cdata(v)}]]></${k}>`)
    .join("")}</xml>`;
}

/** Parses a flat v2 XML document (CDATA or plain text values); throws on anything else. */
export function fromWechatXml(xml: string): Record<string, string> {
  const body = /^\s*<xml>([\s\S]*)<\/xml>\s*$/.exec(xml)?.[1];
  if (body === undefined) throw new Error("not a WeChat Pay XML document");
  const out: Record<string, string> = {};
  for (const m of body.matchAll(/<(\w+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g))
    out[m[1]!] = m[2] ?? m[3] ?? "";
  return out;
}

/** Alipay's content to sign: the sorted non-empty fields without `sign`, "k=v&...". */
export function alipaySignContent(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((k) => k !== "sign" && fields[k] !== "")
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join("&");
}

/**
 * The exact text of `"<name>":{...}` in an Alipay answer, which its `sign` covers (re-serialising
 * the parsed object could change it). Undefined when absent.
 */
export function alipayResponseText(body: string, name: string): string | undefined {
  const key = `"${name}":`;
  const at = body.indexOf(key);
  if (at < 0) return undefined;
  let i = at + key.length;
  while (body[i] === " ") i++;
  if (body[i] !== "{") return undefined;
  let depth = 0;
  let inString = false;
  for (let j = i; j < body.length; j++) {
    const c = body[j];
    if (inString) {
      if (c === "\\") j++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return body.slice(i, j + 1);
  }
  return undefined;
}

/** Alipay's timestamp field: "yyyy-MM-dd HH:mm:ss" in China time (UTC+8). */
export function alipayTimestamp(d = new Date()): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().replace("T", " ").slice(0, 19);
}
