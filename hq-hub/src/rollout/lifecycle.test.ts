// The change-set lifecycle table: every (state, event) pair either moves to the declared state
// or is refused with a TransitionError naming the state and the event.
import { expect, test } from "bun:test";
import { StateError } from "../errors.ts";
import { TransitionError } from "../lifecycle.ts";
import { CHANGESET_TRANSITIONS, type ChangesetEvent, changesetLifecycle } from "./lifecycle.ts";

const STATES = ["draft", "pilot", "released", "rolled_back"] as const;
const EVENTS: ChangesetEvent[] = ["edit", "release_pilot", "release_all", "promote", "rollback"];

test("a draft is edited and released to the pilot or to all; a pilot is promoted; released ones roll back", () => {
  expect(changesetLifecycle.apply("1", "draft", "edit")).toBe("draft");
  expect(changesetLifecycle.apply("1", "draft", "release_pilot")).toBe("pilot");
  expect(changesetLifecycle.apply("1", "draft", "release_all")).toBe("released");
  expect(changesetLifecycle.apply("1", "pilot", "promote")).toBe("released");
  expect(changesetLifecycle.apply("1", "pilot", "rollback")).toBe("rolled_back");
  expect(changesetLifecycle.apply("1", "released", "rollback")).toBe("rolled_back");
  expect(changesetLifecycle.eventsFrom("rolled_back")).toEqual([]);
});

test("every pair the table does not list is refused, naming the change set, its state and the event", () => {
  let refused = 0;
  for (const state of STATES)
    for (const event of EVENTS) {
      const next = (CHANGESET_TRANSITIONS[state] as Partial<Record<ChangesetEvent, string>>)[event];
      if (next !== undefined) {
        expect(changesetLifecycle.apply("7", state, event)).toBe(next as (typeof STATES)[number]);
        continue;
      }
      refused++;
      let err: unknown;
      try {
        changesetLifecycle.apply("7", state, event);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TransitionError);
      expect(err).toBeInstanceOf(StateError); // the HTTP layer answers 409
      const t = err as TransitionError;
      expect([t.id, t.state, t.event]).toEqual(["7", state, event]);
      expect(t.message).toContain(`change set 7 is ${state}`);
    }
  expect(refused).toBe(STATES.length * EVENTS.length - 6);
});

test("the refusals keep the words the API has always answered with", () => {
  expect(() => changesetLifecycle.apply("3", "released", "promote")).toThrow(
    "change set 3 is released; only a pilot can be promoted",
  );
  expect(() => changesetLifecycle.apply("3", "pilot", "release_all")).toThrow(
    "change set 3 is pilot; only a draft can be released",
  );
  expect(() => changesetLifecycle.apply("3", "draft", "rollback")).toThrow(
    "change set 3 is draft; only a released change set can be rolled back",
  );
  expect(() => changesetLifecycle.apply("3", "pilot", "edit")).toThrow("change set 3 is pilot, not a draft");
});
