// The change-set lifecycle as data (docs/hq-hub.md "Rollout"): a draft collects edits, is
// released to its pilot stores or to its whole target, a pilot is promoted to the rest of the
// target, and a released change set (pilot or all) is rolled back by a compensating one.

import type { ChangesetState } from "../catalog/view.ts";
import { defineLifecycle } from "../lifecycle.ts";

export type ChangesetEvent = "edit" | "release_pilot" | "release_all" | "promote" | "rollback";

export const CHANGESET_TRANSITIONS = {
  draft: { edit: "draft", release_pilot: "pilot", release_all: "released" },
  pilot: { promote: "released", rollback: "rolled_back" },
  released: { rollback: "rolled_back" },
  rolled_back: {},
} as const satisfies Record<ChangesetState, Partial<Record<ChangesetEvent, ChangesetState>>>;

const REFUSALS: Record<ChangesetEvent, (id: string, state: ChangesetState) => string> = {
  edit: (id, state) => `change set ${id} is ${state}, not a draft`,
  release_pilot: (id, state) => `change set ${id} is ${state}; only a draft can be released`,
  release_all: (id, state) => `change set ${id} is ${state}; only a draft can be released`,
  promote: (id, state) => `change set ${id} is ${state}; only a pilot can be promoted`,
  rollback: (id, state) => `change set ${id} is ${state}; only a released change set can be rolled back`,
};

export const changesetLifecycle = defineLifecycle<ChangesetState, ChangesetEvent>(
  "change set",
  CHANGESET_TRANSITIONS,
  (id, state, event) => REFUSALS[event](id, state),
);

/** The event a release to `stage` is. */
export const releaseEvent = (stage: "pilot" | "all"): ChangesetEvent =>
  stage === "all" ? "release_all" : "release_pilot";
