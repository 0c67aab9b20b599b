// Certificate renewal at the edge (docs/appliance.md "Certificate renewal"): on HQ's
// `renew_certificate` command, or when the certificate is within RENEW_BEFORE_DAYS of expiry, the
// edge makes a new key on the box (it never leaves tls/), asks HQ to sign it over its own mqtts
// session (certificate.request -> certificate.issued), checks what comes back, puts it in use
// with one atomic rename and reconnects with it. The old pair is kept until the new one has
// connected: HQ accepts the old serial until the new one's first use, so if the new one does not
// get in the edge goes back to the old one and says why.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { type Payload, uuidv7 } from "@retail/protocol";
import { newCertificateRequest, storeCommonName } from "@retail/protocol/pki";
import { EdgeError } from "../errors.ts";
import type { HqLink } from "./hq-link.ts";
import {
  activeGeneration,
  dropGeneration,
  readStoreTls,
  type StoreTls,
  stageGeneration,
  switchGeneration,
} from "./tls.ts";

/** Renew this long before the certificate's notAfter. */
export const RENEW_BEFORE_DAYS = 30;
const DAY = 86_400_000;

export interface RenewalHost {
  readonly dataDir: string;
  readonly storeId: string;
  readonly link: Pick<HqLink, "send" | "reconnectWith" | "online"> | undefined;
  now(): number;
  log(msg: string): void;
  /** The new certificate connected: record it (store-edge.json) and serve it on the LAN. */
  onRenewed?(cert: { serial: string; notAfter: string; tls: StoreTls }): void;
  /** How long HQ has to answer, and the new certificate to connect (default 60 s, 30 s). */
  answerTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export interface Renewed {
  serial: string;
  notAfter: string;
}

/** The LAN names a certificate carries, as asked for again at renewal (HQ adds localhost itself). */
export function lanNamesOf(certPem: string): string[] {
  const san = new X509Certificate(certPem).subjectAltName ?? "";
  return san
    .split(/,\s*/)
    .map((e) => e.replace(/^(DNS|IP Address):/, ""))
    .filter((n) => n && n !== "localhost" && n !== "127.0.0.1");
}

/** Whether the certificate is due for renewal at `now` (ms). */
export function renewalDue(certPem: string, now: number, beforeDays = RENEW_BEFORE_DAYS): boolean {
  return Date.parse(new X509Certificate(certPem).validTo) - now <= beforeDays * DAY;
}

/**
 * What HQ sent must be this store's certificate for the key just made, signed by the CA the
 * edge already trusts (a renewal never brings a new CA). Anything else is refused, named.
 */
export function checkIssued(
  storeId: string,
  current: StoreTls,
  keyPem: string,
  p: Payload<"certificate.issued">,
): X509Certificate {
  if (p.error) throw new EdgeError("conflict", p.error.field, `HQ refused the renewal: ${p.error.message}`);
  if (!p.certPem) throw new EdgeError("invalid", "certPem", "HQ's answer carries no certificate");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(p.certPem);
  } catch (e) {
    throw new EdgeError("invalid", "certPem", `not a certificate: ${(e as Error).message}`);
  }
  if (!cert.verify(new X509Certificate(current.caPem).publicKey))
    throw new EdgeError("invalid", "certPem", "not signed by the chain CA this store trusts");
  if (!cert.checkPrivateKey(createPrivateKey(keyPem)))
    throw new EdgeError("invalid", "certPem", "the certificate is not for the key this edge made");
  if (!cert.subject.split("\n").includes(`CN=${storeCommonName(storeId)}`))
    throw new EdgeError("invalid", "certPem", `the certificate is not ${storeCommonName(storeId)}'s`);
  return cert;
}

export class CertificateRenewal {
  private running: Promise<Renewed> | undefined;
  private waiting: { requestId: string; answer: (p: Payload<"certificate.issued">) => void } | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The notAfter of the certificate in use (read again after each renewal). */
  private notAfterPem: string | undefined;

  constructor(private readonly h: RenewalHost) {}

  /** Checks expiry now and then (cheap: the certificate is parsed once per renewal). */
  watchExpiry(everyMs = 10_000): void {
    this.timer = setInterval(() => this.checkExpiry(), everyMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Starts a renewal when the certificate is near its end; a failure is logged, tried again later. */
  checkExpiry(): void {
    if (this.running || !this.h.link?.online) return;
    this.notAfterPem ??= readStoreTls(this.h.dataDir)?.certPem;
    if (!this.notAfterPem || !renewalDue(this.notAfterPem, this.h.now())) return;
    this.renew("expiry").catch((e) => this.h.log(`certificate renewal (expiry): ${(e as Error).message}`));
  }

  /** HQ's answer to the request in flight; an answer to another request is ignored. */
  onIssued(p: Payload<"certificate.issued">): void {
    if (this.waiting?.requestId === p.requestId) this.waiting.answer(p);
    else this.h.log(`certificate.issued ${p.requestId}: no such request in flight, ignored`);
  }

  /** One renewal at a time: a second caller shares the one running. */
  renew(why: "command" | "expiry", commandId?: string): Promise<Renewed> {
    this.running ??= this.run(why, commandId).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(why: "command" | "expiry", commandId?: string): Promise<Renewed> {
    const { dataDir, storeId, link } = this.h;
    const current = readStoreTls(dataDir);
    if (!current || !link)
      throw new EdgeError("invalid", "tls", "this edge holds no certificate from the chain CA to renew");
    const requestId = uuidv7();
    const gen = requestId.replace(/-/g, "");
    const { keyPem, csrPem } = await newCertificateRequest(storeId);
    stageGeneration(dataDir, gen, { keyPem });
    try {
      const answer = new Promise<Payload<"certificate.issued">>((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(new EdgeError("unavailable", "hq", "HQ did not answer the certificate request in time")),
          this.h.answerTimeoutMs ?? 60_000,
        );
        this.waiting = {
          requestId,
          answer: (p) => {
            clearTimeout(t);
            resolve(p);
          },
        };
      });
      const sent = link.send("certificate.request", "query", {
        requestId,
        csr: csrPem,
        lanAddresses: lanNamesOf(current.certPem),
        why,
        ...(commandId ? { commandId } : {}),
      });
      if (!sent)
        throw new EdgeError("unavailable", "hq", "HQ is not reachable; the certificate was not renewed");
      const cert = checkIssued(storeId, current, keyPem, await answer);
      const next: StoreTls = { keyPem, certPem: cert.toString(), caPem: current.caPem };
      stageGeneration(dataDir, gen, { certPem: next.certPem, caPem: next.caPem });
      const before = activeGeneration(dataDir);
      switchGeneration(dataDir, gen);
      this.h.log(`certificate ${cert.serialNumber.toLowerCase()} from HQ: reconnecting with it`);
      await link.reconnectWith({ tls: next });
      if (!(await this.connected())) {
        // Back to the old pair, which HQ still accepts (the new one was never used).
        switchGeneration(dataDir, before);
        await link.reconnectWith({ tls: current });
        throw new EdgeError("unavailable", "tls", "the new certificate did not connect; the old one is kept");
      }
      dropGeneration(dataDir, before);
      this.notAfterPem = next.certPem;
      const renewed = {
        serial: (await answer).serial ?? cert.serialNumber.toLowerCase(),
        notAfter: new Date(cert.validTo).toISOString(),
      };
      this.h.onRenewed?.({ ...renewed, tls: next });
      this.h.log(`certificate renewed (${why}): ${renewed.serial}, valid until ${renewed.notAfter}`);
      return renewed;
    } catch (e) {
      if (activeGeneration(dataDir) !== gen) dropGeneration(dataDir, gen);
      throw e;
    } finally {
      this.waiting = undefined;
    }
  }

  private async connected(): Promise<boolean> {
    const until = Date.now() + (this.h.connectTimeoutMs ?? 30_000);
    while (Date.now() < until) {
      if (this.h.link?.online) return true;
      await Bun.sleep(200);
    }
    return false;
  }
}
