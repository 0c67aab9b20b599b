// A local stand-in for the WeChat Pay and Alipay merchant servers, for tests of the real clients
// (payments/wechat-pay.ts, alipay.ts) over real HTTP: it checks every request's signature the
// way the providers do (v3 RSA Authorization, v2 HMAC sign, Alipay RSA2), signs every answer,
// and decides outcomes with the simulated provider's rules (payments/provider.ts: the payment
// code's last four digits; its refund and reverse/cancel answers in the real APIs' shapes).
// A pay call for a code that "never answers" is held open, so the client's timeout is what the
// till sees. Not the real providers: their sandboxes are not reachable from here.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import type { AlipayConfig } from "../payments/alipay.ts";
import { type PayResult, SimulatedPaymentProvider } from "../payments/provider.ts";
import type {
  AlipayCancelRequest,
  AlipayRefundRequest,
  WechatRefundRequest,
} from "../payments/wallet-api.ts";
import {
  alipaySignContent,
  fromWechatXml,
  nonce,
  parseWechatV3Authorization,
  rsaSign,
  rsaVerify,
  toWechatXml,
  wechatV2Sign,
  wechatV3Message,
} from "../payments/wallet-sign.ts";
import type { WechatPayConfig } from "../payments/wechat-pay.ts";

export interface WalletSandbox {
  url: string;
  /** Client configurations pointing here, with the keys the sandbox trusts. */
  wechat: WechatPayConfig;
  alipay: AlipayConfig;
  /** Every request, in order, with whether its signature verified. */
  calls: { api: string; signed: boolean }[];
  close(): Promise<void>;
}

const pair = () => generateKeyPairSync("rsa", { modulusLength: 2048 });

export async function startWalletSandbox(o: { timeoutMs?: number } = {}): Promise<WalletSandbox> {
  const merchant = pair(); // WeChat Pay merchant API v3 key
  const platform = pair(); // WeChat Pay platform key (signs answers)
  const app = pair(); // Alipay app key
  const alipayKey = pair(); // Alipay's own key (signs answers)
  const apiV2Key = nonce();
  const ids = { appId: "wx5ea0000000000001", mchId: "1900000109", alipayAppId: "2021000000000001" };
  const sim = new SimulatedPaymentProvider(1);
  const paid = new Map<string, string>();
  const calls: WalletSandbox["calls"] = [];
  const held = new Set<() => void>();

  /** The simulator's answer, or undefined when it never answers (held until close). */
  const decide = (paymentId: string, provider: "wechat" | "alipay", authCode: string, amount: number) =>
    new Promise<PayResult | undefined>((resolve) => {
      held.add(() => resolve(undefined));
      sim.pay({ paymentId, provider, authCode, amount, storeId: "sandbox" }).then((r) => {
        if (r.status === "approved") paid.set(paymentId, r.transactionId);
        resolve(r);
      });
    });

  const v2Answer = (fields: Record<string, string>) => {
    const all = {
      return_code: "SUCCESS",
      return_msg: "OK",
      appid: ids.appId,
      mch_id: ids.mchId,
      nonce_str: nonce(),
      ...fields,
    };
    return new Response(toWechatXml({ ...all, sign: wechatV2Sign(all, apiV2Key) }), {
      headers: { "content-type": "text/xml" },
    });
  };
  const v2Refused = (msg: string) =>
    new Response(toWechatXml({ return_code: "FAIL", return_msg: msg }), {
      headers: { "content-type": "text/xml" },
    });
  const v3Answer = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    const ts = String(Math.floor(Date.now() / 1000));
    const n = nonce();
    return new Response(text, {
      status,
      headers: {
        "content-type": "application/json",
        "wechatpay-timestamp": ts,
        "wechatpay-nonce": n,
        "wechatpay-serial": "PLATFORM-SANDBOX",
        "wechatpay-signature": rsaSign(`${ts}\n${n}\n${text}\n`, platform.privateKey),
      },
    });
  };
  const alipayAnswer = (method: string, answer: Record<string, unknown>, signed = true) => {
    const name = `${method.replaceAll(".", "_")}_response`;
    const json = JSON.stringify(answer);
    const sign = signed ? `,"sign":"${rsaSign(json, alipayKey.privateKey)}"` : "";
    return new Response(`{"${name}":${json}${sign}}`, { headers: { "content-type": "application/json" } });
  };

  async function micropay(f: Record<string, string>): Promise<Response> {
    if (!/^[0-9A-Za-z_\-|*]{1,32}$/.test(f.out_trade_no ?? ""))
      return v2Answer({
        result_code: "FAIL",
        err_code: "PARAM_ERROR",
        err_code_des: "out_trade_no 格式错误",
      });
    const known = paid.get(f.out_trade_no ?? "");
    if (known) return v2Answer({ result_code: "FAIL", err_code: "ORDERPAID", err_code_des: "订单已支付" });
    const amount = Number(f.total_fee);
    if (!Number.isSafeInteger(amount) || amount <= 0)
      return v2Answer({ result_code: "FAIL", err_code: "PARAM_ERROR", err_code_des: "total_fee 无效" });
    const r = await decide(f.out_trade_no ?? "", "wechat", f.auth_code ?? "", amount);
    if (!r) return v2Refused("sandbox closed");
    if (r.status === "approved")
      return v2Answer({ result_code: "SUCCESS", transaction_id: r.transactionId, total_fee: f.total_fee! });
    if (r.status === "pending")
      return v2Answer({ result_code: "FAIL", err_code: "USERPAYING", err_code_des: "需要用户输入支付密码" });
    return v2Answer({ result_code: "FAIL", err_code: "AUTH_CODE_INVALID", err_code_des: r.reason });
  }

  async function wechatV3(req: Request, url: URL): Promise<Response> {
    const body = req.method === "GET" ? "" : await req.text();
    const auth = parseWechatV3Authorization(req.headers.get("authorization") ?? "");
    const message = wechatV3Message(
      req.method,
      url.pathname + url.search,
      auth?.timestamp ?? "",
      auth?.nonce_str ?? "",
      body,
    );
    const signed =
      !!auth && auth.mchid === ids.mchId && rsaVerify(message, auth.signature ?? "", merchant.publicKey);
    calls.push({ api: `${req.method} ${url.pathname}`, signed });
    if (!signed) return v3Answer(401, { code: "SIGN_ERROR", message: "签名错误" });
    const trade = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && trade) {
      const no = decodeURIComponent(trade[1]!);
      const r = await sim.query(no);
      if (r.status === "approved")
        return v3Answer(200, {
          out_trade_no: no,
          mchid: ids.mchId,
          trade_state: "SUCCESS",
          transaction_id: r.transactionId,
        });
      if (r.status === "pending")
        return v3Answer(200, { out_trade_no: no, mchid: ids.mchId, trade_state: "USERPAYING" });
      if (r.reason === "unknown payment")
        return v3Answer(404, { code: "ORDER_NOT_EXIST", message: "订单不存在" });
      const revoked = /reversed/.test(r.reason);
      return v3Answer(200, {
        out_trade_no: no,
        mchid: ids.mchId,
        trade_state: revoked ? "REVOKED" : "PAYERROR",
        trade_state_desc: r.reason,
      });
    }
    if (req.method === "POST" && url.pathname === "/v3/refund/domestic/refunds") {
      const r = sim.wechatRefund(JSON.parse(body) as WechatRefundRequest);
      if ("code" in r)
        return v3Answer(r.code === "NOT_ENOUGH" ? 403 : r.code === "RESOURCE_NOT_EXISTS" ? 404 : 400, r);
      return v3Answer(200, r);
    }
    return v3Answer(404, { code: "RESOURCE_NOT_EXISTS", message: `no ${req.method} ${url.pathname}` });
  }

  async function gateway(req: Request): Promise<Response> {
    const f = Object.fromEntries(new URLSearchParams(await req.text()));
    const method = f.method ?? "";
    const signed =
      f.app_id === ids.alipayAppId && rsaVerify(alipaySignContent(f), f.sign ?? "", app.publicKey);
    calls.push({ api: method, signed });
    if (!signed)
      return alipayAnswer(
        method,
        { code: "40002", msg: "Invalid Arguments", sub_code: "isv.invalid-signature", sub_msg: "验签出错" },
        false,
      );
    const biz = JSON.parse(f.biz_content ?? "{}") as Record<string, string>;
    const fail = (sub_code: string, sub_msg: string) => ({
      code: "40004",
      msg: "Business Failed",
      sub_code,
      sub_msg,
    });
    switch (method) {
      case "alipay.trade.pay": {
        const no = biz.out_trade_no ?? "";
        const known = paid.get(no);
        if (known)
          return alipayAnswer(method, { code: "10000", msg: "Success", trade_no: known, out_trade_no: no });
        const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(biz.total_amount ?? "");
        if (!m) return alipayAnswer(method, fail("ACQ.INVALID_PARAMETER", "total_amount 无效"));
        const fen = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
        const r = await decide(no, "alipay", biz.auth_code ?? "", fen);
        if (!r) return new Response("", { status: 503 });
        if (r.status === "approved")
          return alipayAnswer(method, {
            code: "10000",
            msg: "Success",
            trade_no: r.transactionId,
            out_trade_no: no,
            total_amount: biz.total_amount,
          });
        if (r.status === "pending")
          return alipayAnswer(method, { code: "10003", msg: "等待用户付款", out_trade_no: no });
        return alipayAnswer(method, fail("ACQ.PAYMENT_AUTH_CODE_INVALID", r.reason));
      }
      case "alipay.trade.query": {
        const no = biz.out_trade_no ?? "";
        const r = await sim.query(no);
        if (r.status === "declined" && r.reason === "unknown payment")
          return alipayAnswer(method, fail("ACQ.TRADE_NOT_EXIST", "交易不存在"));
        const trade_status =
          r.status === "approved"
            ? "TRADE_SUCCESS"
            : r.status === "pending"
              ? "WAIT_BUYER_PAY"
              : "TRADE_CLOSED";
        return alipayAnswer(method, {
          code: "10000",
          msg: "Success",
          out_trade_no: no,
          trade_status,
          ...(r.status === "approved" ? { trade_no: r.transactionId } : {}),
        });
      }
      case "alipay.trade.refund":
        return alipayAnswer(method, { ...sim.alipayRefund(biz as unknown as AlipayRefundRequest) });
      case "alipay.trade.cancel":
        return alipayAnswer(method, { ...sim.alipayCancel(biz as AlipayCancelRequest) });
      default:
        return alipayAnswer(method, {
          code: "40004",
          msg: "Business Failed",
          sub_code: "isv.invalid-method",
          sub_msg: "不存在的方法名",
        });
    }
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname === "/gateway.do" && req.method === "POST") return gateway(req);
      if (url.pathname.startsWith("/v3/")) return wechatV3(req, url);
      if (
        req.method === "POST" &&
        (url.pathname === "/pay/micropay" || url.pathname === "/secapi/pay/reverse")
      ) {
        let f: Record<string, string>;
        try {
          f = fromWechatXml(await req.text());
        } catch {
          return v2Refused("XML 格式错误");
        }
        const signed = f.mch_id === ids.mchId && f.sign === wechatV2Sign(f, apiV2Key);
        calls.push({ api: url.pathname, signed });
        if (!signed) return v2Refused("签名错误");
        if (url.pathname === "/pay/micropay") return micropay(f);
        const r = sim.wechatReverse({
          appid: f.appid ?? "",
          mch_id: f.mch_id ?? "",
          out_trade_no: f.out_trade_no ?? "",
          nonce_str: f.nonce_str ?? "",
        });
        const { return_code: _rc, return_msg: _rm, ...rest } = r;
        return v2Answer(
          Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Record<
            string,
            string
          >,
        );
      }
      return new Response("not found", { status: 404 });
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  const timeoutMs = o.timeoutMs ?? 10_000;
  return {
    url,
    wechat: {
      baseUrl: url,
      appId: ids.appId,
      mchId: ids.mchId,
      merchantKey: merchant.privateKey as KeyObject,
      merchantSerialNo: "MERCHANT-SANDBOX",
      platformPublicKey: platform.publicKey as KeyObject,
      apiV2Key,
      timeoutMs,
    },
    alipay: {
      gatewayUrl: `${url}/gateway.do`,
      appId: ids.alipayAppId,
      appPrivateKey: app.privateKey as KeyObject,
      alipayPublicKey: alipayKey.publicKey as KeyObject,
      timeoutMs,
    },
    calls,
    async close() {
      for (const release of held) release();
      await server.stop(true);
    },
  };
}
