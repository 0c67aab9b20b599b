// A release's lifecycle as data (docs/appliance.md "Updates"): uploaded as a draft, released to
// the pilot ring or to every store, a pilot promoted to the chain, any released one withdrawn
// (stores that have not installed it stop being offered it; stores that run it are offered the
// newest release still out, which may be older: an edge installs whatever HQ signed and offers).
import { defineLifecycle } from "../lifecycle.ts";

export const RELEASE_STAGES = ["draft", "pilot", "all", "withdrawn"] as const;
export type ReleaseStage = (typeof RELEASE_STAGES)[number];
export type ReleaseEvent = "release_pilot" | "release_all" | "promote" | "withdraw";

export const RELEASE_TRANSITIONS = {
  draft: { release_pilot: "pilot", release_all: "all", withdraw: "withdrawn" },
  pilot: { promote: "all", withdraw: "withdrawn" },
  all: { withdraw: "withdrawn" },
  withdrawn: {},
} as const satisfies Record<ReleaseStage, Partial<Record<ReleaseEvent, ReleaseStage>>>;

export const releaseLifecycle = defineLifecycle<ReleaseStage, ReleaseEvent>("release", RELEASE_TRANSITIONS);

/** One release as the targeting rule sees it. */
export interface ReleaseStanding {
  id: number;
  version: string;
  stage: ReleaseStage;
}

/**
 * The release a store should run: the newest (highest id) release out to it, the pilot ring
 * seeing pilot and chain releases, every other store chain releases only. Undefined: none.
 */
export function targetRelease<R extends ReleaseStanding>(
  releases: readonly R[],
  ring: string,
): R | undefined {
  let best: R | undefined;
  for (const r of releases) {
    const out = r.stage === "all" || (r.stage === "pilot" && ring === "pilot");
    if (out && (!best || r.id > best.id)) best = r;
  }
  return best;
}

/** Steps after which a store is not offered the same release again (it would fail the same way). */
export const FINAL_FAILURES: ReadonlySet<string> = new Set(["refused", "rolled_back"]);
