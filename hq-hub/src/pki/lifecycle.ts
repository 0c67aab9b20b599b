// A store certificate's lifecycle as data (docs/appliance.md "Certificate renewal"): issued
// (at enrollment or renewal, not used yet), in use once the store connected with it, superseded
// when a newer certificate of the store is first used, expired past its notAfter, revoked with
// the store (or by a re-enrollment). Only issued and in_use get through the broker. The SQL is
// pki.ts's (superseded_at stands for superseded and revoked alike; expiry is read off not_after).
import { defineLifecycle } from "../lifecycle.ts";

export type CertificateState = "issued" | "in_use" | "superseded" | "expired" | "revoked";
export type CertificateEvent = "use" | "newer_used" | "expire" | "revoke";

export const CERTIFICATE_TRANSITIONS = {
  issued: { use: "in_use", newer_used: "superseded", expire: "expired", revoke: "revoked" },
  in_use: { use: "in_use", newer_used: "superseded", expire: "expired", revoke: "revoked" },
  superseded: { expire: "superseded", revoke: "superseded" },
  expired: { newer_used: "expired", expire: "expired", revoke: "expired" },
  revoked: { expire: "revoked", revoke: "revoked" },
} as const satisfies Record<CertificateState, Partial<Record<CertificateEvent, CertificateState>>>;

export const certificateLifecycle = defineLifecycle<CertificateState, CertificateEvent>(
  "certificate",
  CERTIFICATE_TRANSITIONS,
);

/** The broker lets a certificate in only in these states. */
export const ACCEPTED: ReadonlySet<CertificateState> = new Set(["issued", "in_use"]);
