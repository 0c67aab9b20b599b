// The hub's side of the chain's TLS: certificates for stores, issued from a request the edge
// signed with its own key (the key never leaves the box), recorded so the broker accepts only
// the ones HQ still stands behind. A store's first connect with a newer certificate supersedes
// the older ones (as a rotated password's first use does: stores/rotation.ts).
import type { Payload } from "@retail/protocol";
import { and, count, desc, eq, gte, isNotNull, isNull, lte, ne, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { storeCertificates } from "../db/schema.ts";
import { ValidationError } from "../errors.ts";
import { type ChainCa, issueStoreCertificate, verifyCertificateRequest } from "./ca.ts";
import { type LanName, lanNames } from "./policy.ts";

/** Renewals a store may ask for in a day: a box that loops on renewing cannot fill the table. */
export const MAX_RENEWALS_PER_DAY = 5;

export interface StoreCertificate {
  serial: string;
  issuedAt: string;
  notAfter: string;
  names: LanName[];
  reason: "enrollment" | "renewal";
  supersededAt?: string;
}

export interface IssuedStoreTls {
  caPem: string;
  certPem: string;
  serial: string;
  notAfter: string;
}

export type HubPki = ReturnType<typeof createPki>;

export function createPki(deps: { db: Sqlite; ca: ChainCa; now: () => Date }) {
  const { ca, now } = deps;
  const orm = openDrizzle(deps.db);
  const bySerial = orm
    .select()
    .from(storeCertificates)
    .where(eq(storeCertificates.serial, sql.placeholder("serial")))
    .prepare();
  const olderLive = orm
    .select({ serial: storeCertificates.serial })
    .from(storeCertificates)
    .where(
      and(
        eq(storeCertificates.storeId, sql.placeholder("storeId")),
        ne(storeCertificates.serial, sql.placeholder("serial")),
        lte(storeCertificates.issuedAt, sql.placeholder("issuedAt")),
        isNull(storeCertificates.supersededAt),
      ),
    )
    .limit(1)
    .prepare();

  /** Checks a request before anything is spent on it (an enrollment code is single-use). */
  async function check(csrPem: unknown, lanAddresses: unknown) {
    return { publicKey: await verifyCertificateRequest(csrPem), names: lanNames(lanAddresses) };
  }

  async function issue(
    storeId: string,
    checked: Awaited<ReturnType<typeof check>>,
    reason: StoreCertificate["reason"],
  ): Promise<IssuedStoreTls> {
    const at = now();
    const cert = await issueStoreCertificate(ca, {
      storeId,
      publicKey: checked.publicKey,
      names: checked.names,
      now: at,
    });
    orm
      .insert(storeCertificates)
      .values({
        serial: cert.serial,
        storeId,
        issuedAt: at.toISOString(),
        notAfter: cert.notAfter,
        namesJson: JSON.stringify(checked.names),
        reason,
      })
      .run();
    return { caPem: ca.certPem, certPem: cert.certPem, serial: cert.serial, notAfter: cert.notAfter };
  }

  /**
   * Whether the broker lets this certificate in for this store: issued to it by HQ, not
   * superseded, not expired. Its first use supersedes the store's older certificates.
   */
  function accepts(storeId: string, serial: string): boolean {
    const row = bySerial.get({ serial });
    if (!row || row.storeId !== storeId || row.supersededAt) return false;
    if (Date.parse(row.notAfter) <= now().getTime()) return false;
    if (olderLive.get({ storeId, serial, issuedAt: row.issuedAt }))
      orm
        .update(storeCertificates)
        .set({ supersededAt: now().toISOString() })
        .where(
          and(
            eq(storeCertificates.storeId, storeId),
            ne(storeCertificates.serial, serial),
            lte(storeCertificates.issuedAt, row.issuedAt),
            isNull(storeCertificates.supersededAt),
          ),
        )
        .run();
    return true;
  }

  const liveOf = orm
    .select({ serial: storeCertificates.serial })
    .from(storeCertificates)
    .where(
      and(eq(storeCertificates.storeId, sql.placeholder("storeId")), isNull(storeCertificates.supersededAt)),
    )
    .limit(1)
    .prepare();
  /** The store holds a certificate HQ stands behind: it connects over TLS, never with its password alone. */
  function hasLive(storeId: string): boolean {
    return liveOf.get({ storeId }) !== undefined;
  }

  /** A revoked store: none of its certificates gets in again. */
  function supersedeAll(storeId: string): void {
    orm
      .update(storeCertificates)
      .set({ supersededAt: now().toISOString() })
      .where(and(eq(storeCertificates.storeId, storeId), isNull(storeCertificates.supersededAt)))
      .run();
  }

  function list(storeId: string): StoreCertificate[] {
    return orm
      .select()
      .from(storeCertificates)
      .where(eq(storeCertificates.storeId, storeId))
      .orderBy(desc(storeCertificates.issuedAt))
      .all()
      .map((r) => ({
        serial: r.serial,
        issuedAt: r.issuedAt,
        notAfter: r.notAfter,
        names: JSON.parse(r.namesJson) as LanName[],
        reason: r.reason as StoreCertificate["reason"],
        ...(r.supersededAt ? { supersededAt: r.supersededAt } : {}),
      }));
  }

  const renewalsSince = orm
    .select({ n: count() })
    .from(storeCertificates)
    .where(
      and(
        eq(storeCertificates.storeId, sql.placeholder("storeId")),
        eq(storeCertificates.reason, "renewal"),
        gte(storeCertificates.issuedAt, sql.placeholder("since")),
      ),
    )
    .prepare();

  /**
   * A store's renewal (certificate.request over its own mqtts session): a new key it made,
   * signed for the names it asks (the same LAN policy as at enrollment). The old certificate
   * stays accepted until the new one is first used (accepts). Refusals name the field.
   */
  async function renew(
    storeId: string,
    req: Payload<"certificate.request">,
  ): Promise<Payload<"certificate.issued">> {
    try {
      if (!hasLive(storeId))
        throw new ValidationError("storeId", `${storeId} holds no certificate HQ accepts: enroll it again`);
      const since = new Date(now().getTime() - 86_400_000).toISOString();
      if ((renewalsSince.get({ storeId, since })?.n ?? 0) >= MAX_RENEWALS_PER_DAY)
        throw new ValidationError(
          "requestId",
          `${storeId} already renewed its certificate ${MAX_RENEWALS_PER_DAY} times in 24 h`,
        );
      const issued = await issue(storeId, await check(req.csr, req.lanAddresses), "renewal");
      return {
        requestId: req.requestId,
        certPem: issued.certPem,
        caPem: issued.caPem,
        serial: issued.serial,
        notAfter: issued.notAfter,
      };
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return { requestId: req.requestId, error: { field: e.field, message: e.message.slice(0, 500) } };
    }
  }

  /**
   * The store answered renew_certificate "done": its newest certificate is in use. An external
   * broker tells HQ nothing of a connect, so this stands for the first use there.
   */
  function supersedeOlder(storeId: string): void {
    const newest = orm
      .select({ serial: storeCertificates.serial, issuedAt: storeCertificates.issuedAt })
      .from(storeCertificates)
      .where(and(eq(storeCertificates.storeId, storeId), isNull(storeCertificates.supersededAt)))
      .orderBy(desc(storeCertificates.issuedAt))
      .limit(1)
      .get();
    if (newest) accepts(storeId, newest.serial);
  }

  /** Every certificate HQ no longer accepts, for an external broker's revocation list. */
  function supersededSerials(): { serial: string; at: string }[] {
    return orm
      .select({ serial: storeCertificates.serial, at: storeCertificates.supersededAt })
      .from(storeCertificates)
      .where(isNotNull(storeCertificates.supersededAt))
      .all()
      .map((r) => ({ serial: r.serial, at: r.at! }));
  }

  /** Stores holding a certificate HQ accepts: on an external broker they get in by it, not by password. */
  function storesWithCertificates(): Set<string> {
    return new Set(
      orm
        .selectDistinct({ storeId: storeCertificates.storeId })
        .from(storeCertificates)
        .where(isNull(storeCertificates.supersededAt))
        .all()
        .map((r) => r.storeId),
    );
  }

  return {
    caPem: ca.certPem,
    check,
    issue,
    renew,
    accepts,
    hasLive,
    supersedeAll,
    supersedeOlder,
    list,
    supersededSerials,
    storesWithCertificates,
  };
}
