// The stores API: the store list, enrollment (public, rationed per address), codes, revocation,
// and each store's session takeovers and credential rotations (stores/session-security.ts).

import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import { CatalogPointerV1, EventsAckV1 } from "@retail/protocol";
import type { Context } from "hono";
import type { ApiHub } from "../http/api-hub.ts";
import { authorize } from "../http/auth.ts";
import type { Env, RouteModule } from "../http/route.ts";
import { createEnrollLimiter, type EnrollLimiter } from "./enroll-limit.ts";
import { StoreInput, StorePatch } from "./stores.ts";

const EnrollInput = z.strictObject({
  code: z.string(),
  /** The edge's certificate request (PEM, ECDSA P-256): with it, a hub serving mqtts issues the store's certificate. */
  csr: z.string().max(8192).optional(),
  /** The store's LAN addresses for its certificate: private IPv4 or .local/.lan/.internal names (pki/policy.ts). */
  lanAddresses: z.array(z.string().max(253)).max(8).optional(),
});
const StoreTls = z
  .object({ caPem: z.string(), certPem: z.string(), serial: z.string(), notAfter: z.string() })
  .openapi("StoreTls");
const StoreCertificate = z
  .object({
    serial: z.string(),
    issuedAt: z.string(),
    notAfter: z.string(),
    names: z.array(z.object({ type: z.enum(["ip", "dns"]), value: z.string() })),
    reason: z.enum(["enrollment", "renewal", "recovered"]),
    supersededAt: z.string().optional(),
  })
  .openapi("StoreCertificate");

export const Store = z
  .object({
    id: z.string(),
    name: z.string(),
    region: z.string(),
    address: z.string(),
    ring: z.string(),
    lat: z.number().optional(),
    lng: z.number().optional(),
    enrollmentState: z.string(),
    createdAt: z.string(),
    enrolledAt: z.string().optional(),
  })
  .openapi("Store");
const StoreDetail = Store.extend({ pointer: CatalogPointerV1, ack: EventsAckV1 }).openapi("StoreDetail");
const Enrolled = z
  .object({
    storeId: z.string(),
    storeName: z.string(),
    region: z.string(),
    mqtt: z.object({ url: z.string(), username: z.string(), password: z.string(), clientId: z.string() }),
    /** The chain's ed25519 release key (SPKI DER, base64): updates must verify under it. */
    releaseKey: z.string(),
    /** With a certificate request to a hub serving mqtts: the store's certificate, and mqtt.url is mqtts://. */
    tls: StoreTls.optional(),
  })
  .openapi("Enrolled");
const EnrollmentCode = z.object({ code: z.string(), expiresAt: z.string() }).openapi("EnrollmentCode");
const SessionTakeover = z
  .object({
    id: z.number().int(),
    storeId: z.string(),
    at: z.string(),
    newAddress: z.string(),
    oldAddress: z.string(),
    oldConnectedAt: z.string().optional(),
  })
  .openapi("SessionTakeover");
const CredentialRotation = z
  .object({
    id: z.number().int(),
    storeId: z.string(),
    requestedAt: z.string(),
    requestedBy: z.string(),
    state: z.enum(["pending", "completed", "superseded"]),
    sentAt: z.string().optional(),
    sends: z.number().int(),
    completedAt: z.string().optional(),
    completedFrom: z.string().optional(),
  })
  .openapi("CredentialRotation");

const tag = "stores";

export const storeRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "post",
      path: "/api/v1/enroll",
      summary: "Redeem a one-time enrollment code for MQTT credentials (rate-limited per address: 429)",
      access: "public",
      tag,
      body: EnrollInput,
      response: Enrolled,
      otherResponses: { 429: "Too many attempts: { error: rate_limited, field, retryAfterSec, message }" },
    },
    async ({ body }) => {
      const pki = hub.pki;
      // The request is checked before the single-use code is spent on it.
      const checked =
        pki && hub.mqtt.tlsUrl && body.csr !== undefined
          ? await pki.check(body.csr, body.lanAddresses)
          : undefined;
      const enrolled = await hub.stores.enroll(
        body.code,
        checked && hub.mqtt.tlsUrl ? hub.mqtt.tlsUrl : hub.mqtt.url,
      );
      hub.catalog.publishPointerOf(enrolled.storeId);
      // Enrolled again: the certificates of the box it had before get in no more.
      pki?.supersedeAll(enrolled.storeId);
      // The chain's release key: the edge installs only updates that verify under it (releases/).
      const withKey = { ...enrolled, releaseKey: hub.releases.publicKey() };
      if (!pki || !checked) return withKey;
      return { ...withKey, tls: await pki.issue(enrolled.storeId, checked, "enrollment") };
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores",
      summary: "List stores",
      access: "read",
      tag,
      response: z.array(Store),
    },
    ({ principal }) => hub.stores.list(principal.region),
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/stores",
      summary: "Create a store",
      access: "write",
      tag,
      body: StoreInput,
      response: Store,
    },
    ({ body, principal }) => {
      authorize(principal, "write", body.region);
      const store = hub.stores.add(body);
      // Its release log: everything already released to its target, in release order.
      hub.catalog.enlist(store.id);
      return store;
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}",
      summary: "One store",
      access: "read",
      tag,
      response: StoreDetail,
    },
    ({ params, principal }) => {
      const store = hub.stores.get(params.id);
      authorize(principal, "read", store.region);
      return { ...store, pointer: hub.catalog.pointerOf(store.id), ack: hub.ingest.ackFor(store.id) };
    },
  );
  r.route(
    {
      method: "patch",
      path: "/api/v1/stores/{id}",
      summary: "Edit a store (moving region/ring forces a snapshot)",
      access: "write",
      tag,
      body: StorePatch,
      response: Store,
    },
    ({ params, body, principal }) => {
      authorize(principal, "write", s.regionOfStore(params.id));
      if (body.region) authorize(principal, "write", body.region);
      const before = hub.stores.get(params.id);
      const current = hub.catalog.changesets().reduce((m, cs) => Math.max(m, cs.version ?? 0), 0);
      const store = hub.stores.update(params.id, body, current);
      hub.catalog.invalidate();
      // Moved: its log is rebuilt from what it now sees, and it takes a snapshot of that.
      if (store.region !== before.region || store.ring !== before.ring) hub.catalog.relistStore(params.id);
      return store;
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/stores/{id}/enrollment-code",
      summary: "Issue a one-time enrollment code",
      access: "write",
      tag,
      response: EnrollmentCode,
    },
    ({ params, principal }) => {
      authorize(principal, "write", s.regionOfStore(params.id));
      return hub.stores.issueCode(params.id);
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/stores/{id}/revoke",
      summary: "Revoke a store's MQTT credentials",
      access: "admin",
      tag,
      response: z.object({ ok: z.literal(true) }),
    },
    ({ params }) => {
      hub.stores.revoke(params.id);
      hub.pki?.supersedeAll(params.id);
      return { ok: true };
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/certificates",
      summary:
        "The store's TLS certificates from the chain CA, newest first (empty when the hub serves no mqtts)",
      access: "read",
      tag,
      response: z.array(StoreCertificate),
    },
    ({ params, principal }) => {
      authorize(principal, "read", s.regionOfStore(params.id));
      return hub.pki?.list(params.id) ?? [];
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/session-takeovers",
      summary: "Every MQTT session takeover of a store: time, new and old remote address",
      access: "read",
      tag,
      response: z.array(SessionTakeover),
    },
    ({ params, principal }) => {
      s.authorizeStoreRead(principal, hub.stores.get(params.id).id);
      return hub.security.alerts.takeovers(params.id);
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/stores/{id}/rotate-credentials",
      summary:
        "Issue a store new MQTT credentials, delivered over its own channel; the old password stops working once the store connects with the new one",
      access: "admin",
      tag,
      response: CredentialRotation,
    },
    ({ params, principal }) => {
      hub.stores.get(params.id);
      return hub.security.rotate(params.id, s.actor(principal));
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/stores/{id}/credential-rotations",
      summary: "A store's credential rotations: requested, sent, completed (and from which address)",
      access: "read",
      tag,
      response: z.array(CredentialRotation),
    },
    ({ params, principal }) => {
      authorize(principal, "read", hub.stores.get(params.id).region);
      return hub.security.rotations.list(params.id);
    },
  );
};

/**
 * Enrollment attempts are rationed before the body is read; wrong codes are counted per address
 * and an address that runs out of attempts raises a fleet alert. Mounted before the routes.
 */
export function enrollRationing(app: OpenAPIHono<Env>, hub: Pick<ApiHub, "config" | "security">) {
  let limiter: EnrollLimiter | undefined;
  const enrollLimiter = () =>
    (limiter ??= createEnrollLimiter(
      {
        perAddress: hub.config.enrollAttemptsPerAddress,
        global: hub.config.enrollAttemptsGlobal,
        windowMs: 10 * 60_000,
      },
      () => Date.now(),
    ));
  /** The peer's address from Bun's server (never a header a client could set). */
  const peerOf = (c: Context<Env>): string => {
    const server = c.env as { requestIP?: (r: Request) => { address: string } | null } | undefined;
    return server?.requestIP?.(c.req.raw)?.address ?? "unknown";
  };
  app.post("/api/v1/enroll", async (c, next) => {
    const peer = peerOf(c);
    const verdict = enrollLimiter().take(peer);
    if (verdict.ok) {
      await next();
      if (c.res.status === 400) enrollLimiter().wrongCode(peer);
      return;
    }
    // Told once per run of refusals (a flood of refused requests writes nothing more).
    if (verdict.scope === "address" && verdict.refusedInRow === 1)
      hub.security.alerts.raise("enrollment_rate_limited", undefined, peer, (prev) => ({
        address: peer,
        wrongCodes: verdict.wrongCodes,
        timesLimited: ((prev?.timesLimited as number | undefined) ?? 0) + 1,
      }));
    c.header("retry-after", String(verdict.retryAfterSec));
    return c.json(
      {
        error: "rate_limited",
        field: verdict.scope === "address" ? "address" : "enroll",
        retryAfterSec: verdict.retryAfterSec,
        message:
          verdict.scope === "address"
            ? `too many enrollment attempts from ${peer}; try again in ${verdict.retryAfterSec} s`
            : `too many enrollment attempts at HQ; try again in ${verdict.retryAfterSec} s`,
      },
      429,
    );
  });
}
