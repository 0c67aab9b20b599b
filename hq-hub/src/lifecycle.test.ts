// Every lifecycle table at HQ (change set, purchase order, store enrollment): each (state,
// event) pair either moves to the declared state or is refused with a TransitionError (a
// StateError, so the API answers 409) naming the entity, its state and the event.
import { describe, expect, test } from "bun:test";
import { StateError } from "./errors.ts";
import { type Lifecycle, TransitionError } from "./lifecycle.ts";
import { ORDER_TRANSITIONS, orderLifecycle } from "./replenishment/lifecycle.ts";
import { CHANGESET_TRANSITIONS, changesetLifecycle } from "./rollout/lifecycle.ts";
import { ENROLLMENT_TRANSITIONS, enrollmentLifecycle } from "./stores/lifecycle.ts";
import { TRANSFER_TRANSITIONS, transferLifecycle } from "./transfers/lifecycle.ts";

const tables: [
  string,
  Lifecycle<string, string>,
  Record<string, Record<string, string>>,
  string[],
  number,
][] = [
  [
    "change set",
    changesetLifecycle,
    CHANGESET_TRANSITIONS,
    ["edit", "release_pilot", "release_all", "promote", "rollback"],
    6,
  ],
  [
    "purchase order",
    orderLifecycle,
    ORDER_TRANSITIONS,
    ["send", "ship", "cancel", "close", "receive_all"],
    8,
  ],
  [
    "store enrollment",
    enrollmentLifecycle,
    ENROLLMENT_TRANSITIONS,
    ["issue_code", "enroll", "rotate", "revoke"],
    10,
  ],
  [
    "transfer",
    transferLifecycle,
    TRANSFER_TRANSITIONS,
    ["approve", "reject", "cancel", "ship", "receive"],
    6,
  ],
];

describe.each(tables)("%s lifecycle", (_name, lifecycle, table, events, allowed) => {
  test("every pair the table lists moves there; every other is refused naming the state and the event", () => {
    let moves = 0;
    for (const state of Object.keys(table))
      for (const event of events) {
        const next = table[state]![event];
        if (next !== undefined) {
          moves++;
          expect(lifecycle.apply("X1", state, event)).toBe(next);
          expect(lifecycle.allows(state, event)).toBe(true);
          continue;
        }
        expect(lifecycle.allows(state, event)).toBe(false);
        let err: unknown;
        try {
          lifecycle.apply("X1", state, event);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(TransitionError);
        expect(err).toBeInstanceOf(StateError);
        const t = err as TransitionError;
        expect([t.id, t.state, t.event]).toEqual(["X1", state, event]);
        expect(t.message).toContain("X1");
        expect(t.message).toContain(state);
      }
    expect(moves).toBe(allowed);
  });
});
