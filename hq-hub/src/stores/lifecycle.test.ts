// The store-enrollment lifecycle table: its own transitions and the words of its refusals (every
// (state, event) pair of every HQ table is checked in src/lifecycle.test.ts).
import { expect, test } from "bun:test";
import { TransitionError } from "../lifecycle.ts";
import { type EnrollmentState, enrollmentLifecycle } from "./lifecycle.ts";

const STATES: EnrollmentState[] = ["pending", "enrolled", "revoked"];

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

test("a rotation of a store that is not enrolled keeps the words the API answered with", () => {
  expect(() => enrollmentLifecycle.apply("S9", "revoked", "rotate")).toThrow(
    "store S9 is revoked, not enrolled: issue an enrollment code",
  );
  expect(() => enrollmentLifecycle.apply("S9", "pending", "rotate")).toThrow(TransitionError);
});
