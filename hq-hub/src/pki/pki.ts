// The hub's side of the chain's TLS: certificates for stores, issued from a request the edge
// signed with its own key (the key never leaves the box), recorded so the broker accepts only
// the ones HQ still stands behind. A store's first connect with a newer certificate supersedes
// the older ones (as a rotated password's first use does: stores/rotation.ts).
import type { Payload } from "@retail/protocol";
import { and, count, desc, eq, gte, isNotNull, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { PresentedCertificate } from "../broker/embedded.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { storeCertificates } from "../db/schema.ts";
import { ValidationError } from "../errors.ts";
import { type ChainCa, issueStoreCertificate, storeCommonName, verifyCertificateRequest } from "./ca.ts";
import { type LanName, lanNames } from "./policy.ts";

/** Renewals a store may ask for in a day: a box that loops on renewing cannot fill the table. */
export const MAX_RENEWALS_PER_DAY = 5;

export interface StoreCertificate {
  serial: string;
  issuedAt: string;
  notAfter: string;
  names: LanName[];
  /** recovered: presented by the store, unknown to a hub restored from an older backup. */
  reason: "enrollment" | "renewal" | "recovered";
  supersededAt?: string;
}

export interface IssuedStoreTls {
  caPem: string;
  certPem: string;
  serial: string;
  notAfter: string;
}

export type HubPki = ReturnType<typeof createPki>;

export function createPki(deps: {
  db: Sqlite;
  ca: ChainCa;
  now: () => Date;
  /** A certificate HQ had no record of was recovered (a restored hub): alert a person. */
  onRecovered?: (storeId: string, serial: string) => void;
}) {
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
  function accepts(storeId: string, serial: string, presented?: PresentedCertificate): boolean {
    const row = bySerial.get({ serial }) ?? (presented ? recover(storeId, presented) : undefined);
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

  /**
   * A hub restored from a backup older than a store's certificate does not know it. The broker
   * has verified it against the chain CA (only this hub's key signs) and its CN names this
   * store, whose password also passed: it is recorded (reason "recovered") and an alert raised,
   * rather than locking the store out silently. Refused when HQ knows anything of the store
   * from at or after its issue: a newer certificate, or a revoke or re-enrollment (supersededAt).
   */
  function recover(storeId: string, p: PresentedCertificate) {
    if (p.cn !== storeCommonName(storeId)) return undefined; // never recorded for another store
    const nb = Date.parse(p.notBefore);
    if (Number.isNaN(nb) || Number.isNaN(Date.parse(p.notAfter))) return undefined;
    const issuedAt = new Date(nb + 3_600_000).toISOString(); // issue() back-dates notBefore an hour
    const later = orm
      .select({ n: count() })
      .from(storeCertificates)
      .where(
        and(
          eq(storeCertificates.storeId, storeId),
          or(gte(storeCertificates.issuedAt, issuedAt), gte(storeCertificates.supersededAt, issuedAt)),
        ),
      )
      .get();
    if ((later?.n ?? 0) > 0) return undefined;
    const names: LanName[] = p.names
      .split(/,\s*/)
      .filter(Boolean)
      .map((n) =>
        n.startsWith("IP Address:")
          ? { type: "ip" as const, value: n.slice(11) }
          : { type: "dns" as const, value: n.replace(/^DNS:/, "") },
      );
    orm
      .insert(storeCertificates)
      .values({
        serial: p.serial,
        storeId,
        issuedAt,
        notAfter: new Date(Date.parse(p.notAfter)).toISOString(),
        namesJson: JSON.stringify(names),
        reason: "recovered",
      })
      .onConflictDoNothing()
      .run();
    deps.onRecovered?.(storeId, p.serial);
    return bySerial.get({ serial: p.serial });
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
