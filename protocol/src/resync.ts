// The seq contract between an edge database and HQ after a restore, a replacement or a fresh
// enrollment, pure: both sides compute the same plan from the edge's hello and HQ's welcome.
//
// An edge numbers its events 1, 2, 3... in its outbox. A copy of that outbox (a backup put
// back, a fresh edge.db on a new mini-PC) starts from an older point, so the seqs it hands out
// next are ones HQ may already hold from the instance that went on without it. The edge cannot
// tell a restored file from a restarted process, but it does record where each process run
// (boot) began: a restored copy always starts a new run, so the place where it parts from what
// HQ holds is the first event of one of its runs. HQ says, for each run's first event above
// the edge's ack, whether it holds that event at that seq ("same"), another event there
// ("other") or nothing ("none"). Everything from the first run HQ cannot vouch for is new:
// if HQ already holds seqs at or above it, those events move up, in order, above HQ's highest
// seq. Moving an event HQ in fact has is harmless (HQ knows it by id); keeping one in place
// that collides is what loses sales, so "none" below HQ's highest seq counts as new.

export type BootHeld = "same" | "other" | "none";

export interface ResyncInput {
  /** The edge's acked cursor when it said hello: everything up to it is at HQ. */
  ackedUpTo: number;
  /** The edge's last seq when it said hello. */
  lastSeq: number;
  /** Each run's first seq above ackedUpTo (ascending) with HQ's verdict on it. */
  boots: readonly { firstSeq: number; held: BootHeld }[];
  /** The highest seq HQ holds for the store. */
  hqMaxSeq: number;
}

export interface ResyncPlan {
  /**
   * in_step: nothing to do. behind: HQ holds seqs above everything this edge has (a restored
   * copy that has not sold yet, or a fresh database); its next events are numbered above them.
   * diverged: some of this edge's events were never seen by HQ and their seqs are taken there;
   * they move up.
   */
  kind: "in_step" | "behind" | "diverged";
  /** The first seq of this edge's that HQ cannot have from this edge's line (new events start here). */
  newFrom: number;
  /** Added to the seq of every edge event at or above newFrom (0: nothing moves). */
  shift: number;
  /** The edge numbers its next event above this (at least HQ's highest seq). */
  floor: number;
}

export function planResync(input: ResyncInput): ResyncPlan {
  const first = input.boots.find((b) => b.held !== "same");
  const newFrom = first ? first.firstSeq : input.lastSeq + 1;
  const shift = Math.max(0, input.hqMaxSeq + 1 - newFrom);
  const kind = shift === 0 ? "in_step" : newFrom <= input.lastSeq ? "diverged" : "behind";
  return { kind, newFrom, shift, floor: input.hqMaxSeq };
}

/** The seq an edge event has after the plan (events below newFrom keep theirs). */
export function rebasedSeq(plan: ResyncPlan, seq: number): number {
  return seq >= plan.newFrom ? seq + plan.shift : seq;
}
