// The outbox handshake: the edge's hello, HQ's welcome and HQ's acks (seq = 0).
import { z } from "zod";
import { Id } from "./fields.ts";

/**
 * The edge says who it is on every (re)connect, before it sends any event: HQ answers with
 * `edge.welcome`, from which both compute the same resync plan (resync.ts). A restored backup
 * or a fresh edge.db is found here: its outbox is behind, or parts of it were never seen by HQ.
 */
export const EdgeHelloV1 = z.strictObject({
  /** Echoed in the welcome, so an answer to an earlier connection is ignored. */
  helloId: Id,
  /** Random, made with the edge database: a fresh edge.db is a new instance. */
  instanceId: Id,
  lastSeq: z.int().nonnegative(),
  ackedUpTo: z.int().nonnegative(),
  /**
   * The first event of each run of the edge process (boot) above `ackedUpTo`, in seq order.
   * A restored copy starts a new run: its first event is where it may part from what HQ holds.
   */
  boots: z.array(z.strictObject({ firstSeq: z.int().positive(), eventId: Id })).max(1000),
});

export const EventsAckV1 = z.strictObject({
  /** Every event with seq <= upToSeq is committed at HQ (or dead-lettered there for review). */
  upToSeq: z.int().nonnegative(),
  /** Gaps HQ saw above upToSeq: the store resends from `from`. */
  missing: z.array(z.strictObject({ from: z.int().positive(), to: z.int().positive() })).max(100),
  /**
   * Events HQ received but holds as conflicts awaiting a person (another event is committed
   * under the same seq or id): each seq with the id of the event held there. The store must
   * not count its event delivered while it is listed, even though its seq is <= upToSeq, and
   * must not resend it either; a resolution drops it from the next ack, which delivers it.
   * Sent only when not empty (an older edge's strict schema refuses it, so it keeps
   * everything and resends until the conflict is resolved). At most 1,000: with more, HQ
   * lowers upToSeq below the first seq it could not list.
   */
  held: z
    .array(z.strictObject({ seq: z.int().positive(), id: Id }))
    .max(1000)
    .optional(),
  /**
   * Seqs HQ committed an event at ahead of the gap below them, not yet confirmed by the
   * store's own traffic, with every id HQ has decided on there (the committed one, and the
   * versions a person resolved). A sender with the store's credentials can fill a seq before
   * the store's own event arrives; the store checks its id is listed, and if not it does not
   * count that seq delivered and sends its event again (HQ then holds it as a conflict).
   * Sent only when not empty; at most 1,000 entries (with more seqs, upToSeq stops below the
   * first one not listed).
   */
  checks: z
    .array(z.strictObject({ seq: z.int().positive(), id: Id }))
    .max(1000)
    .optional(),
});

export const EdgeWelcomeV1 = z.strictObject({
  helloId: Id,
  instanceId: Id,
  /** The instance HQ heard from last for this store before this one (absent: none, or an old edge). */
  previousInstanceId: Id.optional(),
  /** Every seq <= headSeq is committed at HQ (or dead-lettered, or listed as lost). */
  headSeq: z.int().nonnegative(),
  /** The highest seq HQ holds for this store. */
  maxSeq: z.int().nonnegative(),
  /** For each of the hello's boots: HQ holds that event at that seq (same), another (other), none. */
  boots: z.array(z.enum(["same", "other", "none"])).max(1000),
});
