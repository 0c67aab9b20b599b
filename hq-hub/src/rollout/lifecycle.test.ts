// The change-set lifecycle table: its own transitions and the words of its refusals (every
// (state, event) pair of every HQ table is checked in src/lifecycle.test.ts).
import { expect, test } from "bun:test";
import { changesetLifecycle } from "./lifecycle.ts";

test("a draft is edited and released to the pilot or to all; a pilot is promoted; released ones roll back", () => {
  expect(changesetLifecycle.apply("1", "draft", "edit")).toBe("draft");
  expect(changesetLifecycle.apply("1", "draft", "release_pilot")).toBe("pilot");
  expect(changesetLifecycle.apply("1", "draft", "release_all")).toBe("released");
  expect(changesetLifecycle.apply("1", "pilot", "promote")).toBe("released");
  expect(changesetLifecycle.apply("1", "pilot", "rollback")).toBe("rolled_back");
  expect(changesetLifecycle.apply("1", "released", "rollback")).toBe("rolled_back");
  expect(changesetLifecycle.eventsFrom("rolled_back")).toEqual([]);
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
