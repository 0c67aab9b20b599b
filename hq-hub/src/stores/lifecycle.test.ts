// The store-enrollment lifecycle table: every (state, event) pair either moves to the declared
// state or is refused with a TransitionError naming the state and the event.
import { expect, test } from "bun:test";
import { StateError } from "../errors.ts";
import { TransitionError } from "../lifecycle.ts";
import {
  ENROLLMENT_TRANSITIONS,
  type EnrollmentEvent,
  type EnrollmentState,
  enrollmentLifecycle,
} from "./lifecycle.ts";

const STATES: EnrollmentState[] = ["pending", "enrolled", "revoked"];
const EVENTS: EnrollmentEvent[] = ["issue_code", "enroll", "rotate", "revoke"];

test("a code enrolls (and re-enrolls, also after a revocation); only an enrolled store rotates", () => {
  expect(enrollmentLifecycle.apply("S1", "pending", "enroll")).toBe("enrolled");
  expect(enrollmentLifecycle.apply("S1", "enrolled", "enroll")).toBe("enrolled");
  expect(enrollmentLifecycle.apply("S1", "revoked", "enroll")).toBe("enrolled");
  expect(enrollmentLifecycle.apply("S1", "enrolled", "rotate")).toBe("enrolled");
  for (const s of STATES) {
    expect(enrollmentLifecycle.apply("S1", s, "revoke")).toBe("revoked");
    expect(enrollmentLifecycle.apply("S1", s, "issue_code")).toBe(s);
  }
});

test("every pair the table does not list is refused, naming the store, its state and the event", () => {
  let refused = 0;
  for (const state of STATES)
    for (const event of EVENTS) {
      const next = (ENROLLMENT_TRANSITIONS[state] as Partial<Record<EnrollmentEvent, EnrollmentState>>)[
        event
      ];
      if (next !== undefined) {
        expect(enrollmentLifecycle.apply("S9", state, event)).toBe(next);
        continue;
      }
      refused++;
      let err: unknown;
      try {
        enrollmentLifecycle.apply("S9", state, event);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TransitionError);
      expect(err).toBeInstanceOf(StateError);
      const t = err as TransitionError;
      expect([t.id, t.state, t.event]).toEqual(["S9", state, event]);
    }
  expect(refused).toBe(2); // rotate while pending or revoked
  expect(() => enrollmentLifecycle.apply("S9", "revoked", "rotate")).toThrow(
    "store S9 is revoked, not enrolled: issue an enrollment code",
  );
});
