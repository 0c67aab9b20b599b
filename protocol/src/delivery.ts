// The store's side of the seq/ack contract, pure: what an events.ack proves delivered. Shared
// so the edge's outbox and HQ's model-based test follow one rule (docs/sync.md "Conflicts").
import type { EventsAck } from "./messages/registry.ts";

export interface DeliveryState {
  /** Every seq <= ackedUpTo is decided at HQ, except the held ones. */
  ackedUpTo: number;
  /** Seqs <= ackedUpTo HQ holds as conflicts awaiting a person (ascending): not delivered. */
  held: number[];
  /**
   * Seqs where HQ said it committed an event that is not ours (a `checks` id): ours may never
   * have reached it. The cursor stays below the lowest one, so ours is sent again, until HQ
   * lists it held (it got ours: a conflict) or checks it with our id (it decided on ours).
   */
  suspect: number[];
}

export interface AckContext {
  /** The highest seq the store has handed to the broker: an ack never proves more. */
  attemptedUpTo: number;
  /** The store's event id at a seq (its outbox), for `checks`. */
  idAt: (seq: number) => string | undefined;
}

export interface AckOutcome extends DeliveryState {
  /** Whether anything changed. */
  changed: boolean;
  /** The lowest suspect seq: send ours again from here. */
  resendFrom?: number;
}

const sorted = (s: Iterable<number>) => [...new Set(s)].sort((a, b) => a - b);
const same = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Applies one ack. `checks` are facts about single seqs and always count: a seq whose listed
 * ids do not include ours is suspect, one that does is not. The rest of an ack older than the
 * state (lower upToSeq) changes nothing, held seqs included (it may predate a conflict). A seq
 * is held while an ack lists OUR id held there (another event held at our seq says nothing
 * about ours); one no longer listed was resolved at HQ: delivered.
 */
export function applyAck(state: DeliveryState, ack: EventsAck, ctx: AckContext): AckOutcome {
  const suspect = new Set(state.suspect);
  const listed = new Map<number, Set<string>>();
  for (const c of ack.checks ?? []) {
    const ids = listed.get(c.seq) ?? new Set<string>();
    ids.add(c.id);
    listed.set(c.seq, ids);
  }
  for (const [seq, ids] of listed) {
    const ours = ctx.idAt(seq);
    if (ours === undefined) continue;
    if (ids.has(ours)) suspect.delete(seq);
    else suspect.add(seq);
  }
  const stale = ack.upToSeq < state.ackedUpTo;
  let to = stale ? state.ackedUpTo : Math.max(state.ackedUpTo, Math.min(ack.upToSeq, ctx.attemptedUpTo));
  let held = stale
    ? state.held
    : sorted((ack.held ?? []).filter((h) => h.seq <= to && ctx.idAt(h.seq) === h.id).map((h) => h.seq));
  for (const s of held) suspect.delete(s); // HQ holds ours: a person decides
  const sus = sorted(suspect);
  const first = sus[0];
  if (first !== undefined && first <= to) {
    to = first - 1; // may move the cursor back: ours is sent again
    held = held.filter((s) => s <= to);
  }
  const changed = to !== state.ackedUpTo || !same(held, state.held) || !same(sus, state.suspect);
  return {
    ackedUpTo: to,
    held,
    suspect: sus,
    changed,
    ...(first !== undefined ? { resendFrom: first } : {}),
  };
}

/** Whether the event with this seq is delivered. */
export function isDelivered(state: DeliveryState, seq: number): boolean {
  return seq <= state.ackedUpTo && !state.held.includes(seq) && !state.suspect.includes(seq);
}
