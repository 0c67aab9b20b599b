// Catalog distribution: the store's fetch and applied reports, HQ's pointer and change-set pages
// (seq = 0), and the gzip encoding of a page's items.
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";
import { type ChangeItem, ChangeItemV1, IsoTime } from "../catalog.ts";
import { jsonValueProblem } from "../json-guard.ts";
import { MAX_MQTT_PAYLOAD_BYTES, MessageError } from "./limits.ts";
import { decoder, firstIssue } from "./wire.ts";

export const CatalogFetchV1 = z.strictObject({
  /** The last version this store applied; HQ answers with the next version after it. */
  fromVersion: z.int().nonnegative(),
  page: z.int().nonnegative(),
  /** When continuing a snapshot past page 0: the version the snapshot is pinned at. */
  snapshotVersion: z.int().positive().optional(),
  /** Encodings the store can read; with "gzip", HQ may send a page's items as `itemsGzip`. */
  accept: z
    .array(z.enum(["gzip"]))
    .max(4)
    .optional(),
});

export const CatalogAppliedV1 = z.strictObject({ version: z.int().nonnegative(), appliedAt: IsoTime });

export const CatalogPointerV1 = z.strictObject({
  /** The newest change-set version released to this store. */
  version: z.int().nonnegative(),
  /** A store below this version cannot catch up by deltas and gets a snapshot. */
  snapshotFloor: z.int().nonnegative(),
});

export const CatalogChangeSetV1 = z
  .strictObject({
    /** delta: the changes of one version; snapshot: the whole catalog as of `version`. */
    kind: z.enum(["delta", "snapshot"]),
    version: z.int().positive(),
    /** The version this page follows: the store must be at it (delta) or it is ignored. */
    fromVersion: z.int().nonnegative(),
    page: z.int().nonnegative(),
    pages: z.int().positive(),
    /** The change set's items take effect no earlier than this, on the store's clock. */
    effectiveAt: IsoTime.optional(),
    /** The page's items; exactly one of `items` and `itemsGzip` is present. */
    items: z.array(ChangeItemV1).max(5000).optional(),
    /**
     * Base64 of the gzip of the items' JSON array, sent only to a store whose fetch accepted
     * "gzip". Decode with gunzipItems (which validates every item).
     */
    itemsGzip: z.string().max(MAX_MQTT_PAYLOAD_BYTES).optional(),
  })
  .refine((p) => p.items !== undefined || p.itemsGzip !== undefined, {
    path: ["items"],
    message: "a page carries items or itemsGzip",
  })
  .refine((p) => p.items === undefined || p.itemsGzip === undefined, {
    path: ["itemsGzip"],
    message: "a page carries items or itemsGzip, not both",
  });

/** A gzipped page may not inflate to more than this (refuses zip bombs). */
export const MAX_GUNZIPPED_ITEMS_BYTES = 8 * 1024 * 1024;

/** Base64 of the gzip of a JSON text (the hub compresses already-serialised items this way). */
export function gzipJson(json: string): string {
  return Buffer.from(gzipSync(json)).toString("base64");
}

/** Base64 of the gzip of the JSON array of items: a page's `itemsGzip`. */
export function gzipItems(items: readonly ChangeItem[]): string {
  return gzipJson(JSON.stringify(items));
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a page's `itemsGzip` back into validated items. Throws MessageError naming
 * payload.itemsGzip (invalid), or too_large when it inflates past MAX_GUNZIPPED_ITEMS_BYTES.
 */
export function gunzipItems(b64: string): ChangeItem[] {
  const field = "payload.itemsGzip";
  if (b64.length % 4 !== 0 || !BASE64_RE.test(b64))
    throw new MessageError("invalid", field, "not valid base64");
  let raw: Uint8Array;
  try {
    raw = gunzipSync(Buffer.from(b64, "base64"), { maxOutputLength: MAX_GUNZIPPED_ITEMS_BYTES });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError)
      throw new MessageError("too_large", field, `inflates past ${MAX_GUNZIPPED_ITEMS_BYTES} bytes`);
    throw new MessageError("invalid", field, `not valid gzip: ${err.message ?? String(e)}`);
  }
  if (raw.byteLength > MAX_GUNZIPPED_ITEMS_BYTES)
    throw new MessageError("too_large", field, `inflates past ${MAX_GUNZIPPED_ITEMS_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(raw));
    const problem = jsonValueProblem(value);
    if (problem) throw new Error(`${problem.path}: ${problem.message}`);
  } catch (e) {
    throw new MessageError("invalid", field, `not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  const parsed = z.array(ChangeItemV1).max(5000).safeParse(value);
  if (!parsed.success) {
    const { field: at, message } = firstIssue(parsed.error, field);
    throw new MessageError("invalid", at, message);
  }
  return parsed.data;
}

// Every envelope that crosses the wire is validated, so the schemas are compiled (zod's
// generated fast path: ~8x faster on a 5-line sale); input the fast path rejects is parsed
