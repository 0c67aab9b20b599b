// Conflict resolution rules, pure: the choices a person has, what the ack says about held
// conflicts, and how an incoming version gets its own identity when both are kept.
import type { AnyEnvelope, EventsAck } from "@retail/protocol";
import { z } from "zod";

/**
 * take_store: the incoming (store's) version replaces the committed one's effects.
 * keep_hq: the committed version stays; the incoming one is discarded.
 * keep_both: the incoming version is applied too, as its own document under a new identity.
 */
export const CONFLICT_CHOICES = ["take_store", "keep_hq", "keep_both"] as const;
export type ConflictChoice = (typeof CONFLICT_CHOICES)[number];

export const ResolveInput = z.strictObject({
  choice: z.enum(CONFLICT_CHOICES),
  note: z.string().max(500).optional(),
});

/** The most held seqs one ack lists (the protocol's cap). */
export const MAX_HELD = 1000;

/**
 * The ack with the store's open conflicts as `held` (each seq with the id of the event held;
 * omitted when none, so an older edge still reads its acks). With more than MAX_HELD entries,
 * upToSeq is lowered below the first seq not fully listed: the edge must never take an
 * unlisted held event for delivered.
 */
export function withHeld(ack: EventsAck, open: readonly { seq: number; id: string }[]): EventsAck {
  if (open.length === 0) return ack;
  const all = [...open].sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1));
  const cut = all[MAX_HELD];
  const held = cut ? all.filter((h) => h.seq < cut.seq) : all;
  const upToSeq = cut ? Math.min(ack.upToSeq, cut.seq - 1) : ack.upToSeq;
  return held.length ? { ...ack, upToSeq, held } : { ...ack, upToSeq };
}

/** The field naming the business document an event creates (its key at HQ), if any. */
export function documentKeyOf(type: string): string | undefined {
  switch (type) {
    case "sale.completed":
      return "saleId";
    case "sale.returned":
      return "returnId";
    case "cash.moved":
      return "movementId";
    case "stock.counted":
      return "countId";
    case "receiving.confirmed":
      return "receivingId";
    case "audit.recorded":
      return "auditId";
    case "shift.opened":
    case "shift.closed":
      return "shiftId";
    default:
      return undefined;
  }
}

/** Committed types whose effects HQ can find by event id and reverse exactly (take_store). */
export function reversible(type: string, training: boolean): boolean {
  return training || type === "sale.completed" || type === "sale.returned";
}

/**
 * keep_both: the incoming envelope under a new event id, and under a new document id when
 * its own is already taken at HQ (`<id>-C<conflict id>`, so it is traceable to the conflict).
 */
export function rekey(
  env: AnyEnvelope,
  conflictId: number,
  newEventId: string,
  docTaken: (docId: string) => boolean,
): { env: AnyEnvelope; docId?: string } {
  const key = documentKeyOf(env.type);
  const payload = { ...(env.payload as Record<string, unknown>) };
  let docId: string | undefined;
  if (key && typeof payload[key] === "string") {
    docId = payload[key] as string;
    if (docTaken(docId)) {
      docId = `${docId}-C${conflictId}`;
      payload[key] = docId;
    }
  }
  return { env: { ...env, id: newEventId, payload } as AnyEnvelope, docId };
}
