// The store-enrollment lifecycle as data: a store is created pending, redeems a one-time code
// to become enrolled (a new code re-enrolls it, also after a revocation), has its MQTT
// credentials rotated only while enrolled, and is revoked from any state. Issuing a code does
// not change the state. The SQL that stores the state is stores.ts's.
import { defineLifecycle } from "../lifecycle.ts";

export type EnrollmentState = "pending" | "enrolled" | "revoked";
export type EnrollmentEvent = "issue_code" | "enroll" | "rotate" | "revoke";

export const ENROLLMENT_TRANSITIONS = {
  pending: { issue_code: "pending", enroll: "enrolled", revoke: "revoked" },
  enrolled: { issue_code: "enrolled", enroll: "enrolled", rotate: "enrolled", revoke: "revoked" },
  revoked: { issue_code: "revoked", enroll: "enrolled", revoke: "revoked" },
} as const satisfies Record<EnrollmentState, Partial<Record<EnrollmentEvent, EnrollmentState>>>;

export const enrollmentLifecycle = defineLifecycle<EnrollmentState, EnrollmentEvent>(
  "store",
  ENROLLMENT_TRANSITIONS,
  (id, state, event) =>
    event === "rotate"
      ? `store ${id} is ${state}, not enrolled: issue an enrollment code`
      : `store ${id} is ${state}; ${event} is not allowed`,
);
