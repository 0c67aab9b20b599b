// The exactly-once decision for one incoming event, pure: given what the inbox already holds
// under its id and under its (store, seq), apply it, ignore it, or raise a conflict.
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

/** SHA-256 (hex) of the envelope's canonical JSON: what the inbox compares a resend with. */
export function contentHash(envelope: unknown): string {
  // Bun's one-shot SHA-256: the same digest as node:crypto's, at a quarter of the cost.
  return Bun.SHA256.hash(canonicalText(envelope), "hex") as string;
}

/** Marks inbox hashes made by `validatedHash` (rows without it carry `contentHash`). */
export const VALIDATED_HASH_PREFIX = "v2:";

/**
 * What ingest stores and compares for an event it has validated: SHA-256 of JSON.stringify of
 * the envelope as the protocol's schemas output it. Their strict objects emit keys in schema
 * order whatever order the store sent them in, and the only records in ledger events (cash
 * denominations) have integer keys, which JS itself orders; so equal content gives equal text
 * without the key-sorting walk of `canonicalText` (3-4x cheaper per sale). Only for validated
 * envelopes; inbox rows written before carry `contentHash` and are compared with that
 * (`comparableHash`).
 */
export function validatedHash(envelope: unknown): string {
  return VALIDATED_HASH_PREFIX + (Bun.SHA256.hash(JSON.stringify(envelope), "hex") as string);
}

/**
 * The incoming event's hash in the kind `stored` was made with, so an event first received
 * before validatedHash existed is still recognised as a duplicate when resent.
 */
export function comparableHash(stored: string, envelope: unknown, validated: string): string {
  return stored.startsWith(VALIDATED_HASH_PREFIX) ? validated : contentHash(envelope);
}

/**
 * The protocol's `canonicalJson`, byte for byte (so hashes already in the inbox still match):
 * JSON.stringify of the value with every object's keys sorted. Objects whose keys are already
 * in order are used as they are (the common case: the validated envelope), so this is one
 * walk plus one native stringify instead of a string built piece by piece (which was a tenth
 * of the ingest profile).
 */
export function canonicalText(value: unknown): string {
  try {
    return JSON.stringify(sortedKeys(value)) ?? "null";
  } catch (e) {
    // An object with array-index keys ("1", "10"): JS enumerates those numerically whatever
    // the insertion order, so only the reference string builder gives the canonical order.
    if (e === INDEX_KEYS) return canonicalJson(value);
    throw e;
  }
}

const INDEX_KEYS = new Error("array-index keys");
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;

function sortedKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const s = sortedKeys(v);
      if (s !== v) {
        copy ??= value.slice();
        copy[i] = s;
      }
    }
    return copy ?? value;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let inOrder = true;
  for (let i = 1; i < keys.length; i++)
    if (keys[i - 1]! > keys[i]!) {
      inOrder = false;
      break;
    }
  let changed: Record<string, unknown> | undefined;
  if (!inOrder) {
    if (keys.some((k) => INDEX_KEY.test(k))) throw INDEX_KEYS;
    keys.sort();
    changed = {};
  }
  for (const k of keys) {
    const v = obj[k];
    const s = sortedKeys(v);
    if (s !== v && !changed) {
      changed = {};
      for (const k2 of keys) {
        if (k2 === k) break;
        changed[k2] = obj[k2];
      }
    }
    if (changed) changed[k] = s;
  }
  return changed ?? obj;
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
