// Enrollment with a one-time code, shared by `store-edge enroll` and the first-boot setup page:
// HQ's POST /api/v1/enroll answers the store, its MQTT credentials and the chain's release key,
// kept in <data>/store-edge.json, and, for the certificate request sent with the code, the
// store's certificate and the chain CA (<data>/tls, docs/appliance.md "Transport security").
// Errors say what to do, in the words staff see.
import { newCertificateRequest } from "@retail/protocol/pki";
import { loadConfig, saveConfig } from "../config.ts";
import { lanAddresses, writeStoreTls } from "../link/tls.ts";

export class EnrollError extends Error {
  override readonly name = "EnrollError";
  constructor(
    readonly field: "hq" | "code" | "enrollment",
    message: string,
  ) {
    super(message);
  }
}

export interface Enrolled {
  storeId: string;
  storeName: string;
  mqttUrl: string;
  /** The store's certificate, when HQ serves mqtts. */
  tls?: { serial: string; notAfter: string };
}

export interface EnrollOptions {
  force?: boolean;
  /** LAN addresses for the store's certificate (default: this box's private IPv4 addresses). */
  lan?: string[];
  /** false: no certificate request (plain MQTT even when HQ serves mqtts). */
  tls?: boolean;
}

export async function enrollAt(
  dataDir: string,
  hqUrl: string,
  code: string,
  opts: EnrollOptions = {},
): Promise<Enrolled> {
  const force = opts.force ?? false;
  const config = loadConfig(dataDir);
  if (config.enrollment && !force)
    throw new EnrollError(
      "enrollment",
      `already enrolled as ${config.enrollment.storeId}; use --force to enroll again`,
    );
  let hq: string;
  try {
    const u = new URL(hqUrl.trim());
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
    hq = u.origin + u.pathname.replace(/\/+$/, "");
  } catch {
    throw new EnrollError(
      "hq",
      `HQ address must be http(s)://host[:port], got ${JSON.stringify(hqUrl).slice(0, 80)}`,
    );
  }
  // The store's own key: HQ signs only its public half. Written with HQ's answer (a refused
  // enrollment keeps the key and certificate the edge has).
  const request = opts.tls === false ? undefined : await newCertificateRequest("pending");
  let res: Response;
  try {
    res = await fetch(`${hq}/api/v1/enroll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        code: code.trim(),
        ...(request ? { csr: request.csrPem, lanAddresses: opts.lan ?? lanAddresses() } : {}),
      }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new EnrollError("hq", `cannot reach HQ at ${hq}: ${(e as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new EnrollError("code", `HQ refused the code (${res.status}): ${text.slice(0, 300)}`);
  const r = JSON.parse(text) as {
    storeId: string;
    storeName: string;
    region?: string;
    mqtt: { url: string; username: string; password: string; clientId: string };
    releaseKey?: string;
    tls?: { caPem: string; certPem: string; serial: string; notAfter: string };
  };
  if (r.tls && request)
    writeStoreTls(dataDir, { keyPem: request.keyPem, certPem: r.tls.certPem, caPem: r.tls.caPem });
  const tls = r.tls ? { serial: r.tls.serial, notAfter: r.tls.notAfter } : undefined;
  saveConfig(dataDir, (raw) => {
    raw.enrollment = {
      hq,
      storeId: r.storeId,
      storeName: r.storeName,
      ...(r.region ? { region: r.region } : {}),
      mqtt: r.mqtt,
      ...(tls ? { tls } : {}),
      enrolledAt: new Date().toISOString(),
      ...(r.releaseKey ? { releaseKey: r.releaseKey } : {}),
    };
  });
  return { storeId: r.storeId, storeName: r.storeName, mqttUrl: r.mqtt.url, ...(tls ? { tls } : {}) };
}
