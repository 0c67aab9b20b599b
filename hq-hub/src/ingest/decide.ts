// The exactly-once decision for one incoming event, pure: given what the inbox already holds
// under its id and under its (store, seq), apply it, ignore it, or raise a conflict.
import { createHash } from "node:crypto";
import { canonicalJson } from "@retail/protocol";

export interface InboxEntry {
  eventId: string;
  storeId: string;
  seq: number;
  hash: string;
}

export type Decision =
  | { kind: "apply" }
  | { kind: "duplicate" }
  | {
      kind: "conflict";
      reason: "same_id_different_content" | "same_seq_different_content";
      existing: InboxEntry;
    };

export function contentHash(envelope: unknown): string {
  return createHash("sha256").update(canonicalJson(envelope)).digest("hex");
}

export function decide(
  incoming: { eventId: string; storeId: string; seq: number; hash: string },
  byId: InboxEntry | undefined,
  bySeq: InboxEntry | undefined,
): Decision {
  if (byId) {
    if (byId.hash === incoming.hash) return { kind: "duplicate" };
    return { kind: "conflict", reason: "same_id_different_content", existing: byId };
  }
  if (bySeq) return { kind: "conflict", reason: "same_seq_different_content", existing: bySeq };
  return { kind: "apply" };
}

/**
 * What can be read from an element that failed validation, so its seq still counts: the
 * store is the topic's (the broker vouches for it), the seq is taken if it is a sane integer.
 */
export function salvageSeq(raw: unknown): number | undefined {
  if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    const seq = (raw as { seq?: unknown }).seq;
    if (typeof seq === "number" && Number.isSafeInteger(seq) && seq >= 1) return seq;
  }
  return undefined;
}
