// Every message between a store and HQ travels in one versioned envelope:
//   { v, id, type, storeId, seq, occurredAt, payload }
// `id` is a UUIDv7 (time-ordered, unique chain-wide). `seq` is the store's gapless counter for
// the events of its outbox (the business ledger: sales, returns, shifts, cash, stock) and 0 for
// everything else (status, telemetry, requests, and every HQ -> store message).
// Parsing is strict: unknown type, unknown version, missing or extra field, oversized payload
// all throw a MessageError naming the field at fault.
import { z } from "zod";
import { IsoTime } from "../catalog.ts";
import { digestProblem } from "../digest.ts";
import { jsonValueProblem } from "../json-guard.ts";
import { StoreId } from "./fields.ts";
import { MAX_BATCH_EVENTS, MAX_ENVELOPE_BYTES, MAX_MQTT_PAYLOAD_BYTES, MessageError } from "./limits.ts";
import { type AnyEnvelope, type Envelope, MESSAGES, type MessageType, type Payload } from "./registry.ts";
import { uuidv7 } from "./uuidv7.ts";
import { byteLength, decodeJson, firstIssue } from "./wire.ts";

const UUIDV7_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const EnvelopeHead = z.strictObject({
  v: z.int().positive(),
  id: z.string().regex(UUIDV7_RE, "id: a lower-case UUIDv7"),
  type: z.string().min(1).max(40),
  storeId: z.union([StoreId, z.literal("*")]),
  seq: z.int().nonnegative(),
  occurredAt: IsoTime,
  payload: z.unknown(),
});

// Every envelope that crosses the wire is validated, so the schemas are compiled (zod's
// generated fast path: ~8x faster on a 5-line sale); input the fast path rejects is parsed
// again by the regular parser, so issues and messages are unchanged. Compiled on first use.
const compiledHead = z.compile(EnvelopeHead);
const compiledPayloads = new Map<string, z.ZodType>();
function payloadSchema(type: MessageType): z.ZodType {
  let schema = compiledPayloads.get(type);
  if (!schema) {
    schema = z.compile(MESSAGES[type].schema as z.ZodType);
    compiledPayloads.set(type, schema);
  }
  return schema;
}

/** Validates an already-decoded value as an envelope. */
export function validateEnvelope(value: unknown): AnyEnvelope {
  const head = compiledHead.safeParse(value);
  if (!head.success) {
    const { field, message } = firstIssue(head.error, "");
    throw new MessageError("invalid", field, message);
  }
  const env = head.data;
  const spec = MESSAGES[env.type as MessageType];
  if (!spec)
    throw new MessageError("unknown_type", "type", `unknown message type ${JSON.stringify(env.type)}`);
  if (env.v !== spec.v)
    throw new MessageError("unknown_version", "v", `${env.type} has no version ${env.v} (known: ${spec.v})`);
  if (spec.ledger && env.seq < 1)
    throw new MessageError("invalid", "seq", `${env.type} is a ledger event and needs seq >= 1`);
  if (!spec.ledger && env.seq !== 0)
    throw new MessageError("invalid", "seq", `${env.type} is not a ledger event; seq must be 0`);
  if (spec.dir === "up" && env.storeId === "*")
    throw new MessageError("invalid", "storeId", "a store message names its store");
  const payload = payloadSchema(env.type as MessageType).safeParse(env.payload);
  if (!payload.success) {
    const { field, message } = firstIssue(payload.error, "payload");
    throw new MessageError("invalid", field, message);
  }
  if (env.type === "day.digest") {
    // Consistency the schema cannot express: the ranges must add up to the counts (digest.ts).
    const problem = digestProblem(payload.data as Payload<"day.digest">);
    if (problem) throw new MessageError("invalid", `payload.${problem.field}`, problem.message);
  }
  return { ...env, payload: payload.data } as AnyEnvelope;
}

/** Types whose single envelope may fill a whole MQTT payload (a change-set page). */
const PAGE_TYPES: ReadonlySet<string> = new Set(["catalog.changeset"]);

/**
 * Parses one envelope from the wire (bytes or text). Throws MessageError. An envelope is at
 * most MAX_ENVELOPE_BYTES, except a change-set page, which may use the whole MQTT payload.
 */
export function parseEnvelope(raw: string | Uint8Array): AnyEnvelope {
  const size = byteLength(raw);
  const value = decodeJson(raw, MAX_MQTT_PAYLOAD_BYTES);
  if (size > MAX_ENVELOPE_BYTES) {
    const type = (value as { type?: unknown } | null)?.type;
    if (typeof type !== "string" || !PAGE_TYPES.has(type)) {
      throw new MessageError(
        "too_large",
        "",
        `message of ${size} bytes exceeds the ${MAX_ENVELOPE_BYTES}-byte limit`,
      );
    }
  }
  return validateEnvelope(value);
}

export type ParseResult = { ok: true; envelope: AnyEnvelope } | { ok: false; error: MessageError };

export function safeParseEnvelope(raw: string | Uint8Array): ParseResult {
  try {
    return { ok: true, envelope: parseEnvelope(raw) };
  } catch (e) {
    if (e instanceof MessageError) return { ok: false, error: e };
    throw e;
  }
}

export interface BatchRejection {
  index: number;
  error: MessageError;
  /** The offending element, re-serialised, for the dead-letter table. */
  raw: string;
}

/**
 * Parses an event batch: a JSON array of envelopes, one MQTT payload. A bad element is
 * rejected alone, so one broken event never stops the ones around it. Throws MessageError only
 * when the payload as a whole is unusable (too large, not JSON, not an array).
 */
export function parseEventBatch(raw: string | Uint8Array): {
  events: AnyEnvelope[];
  rejected: BatchRejection[];
} {
  const value = decodeJson(raw, MAX_MQTT_PAYLOAD_BYTES);
  if (!Array.isArray(value))
    throw new MessageError("invalid", "", "an event batch is a JSON array of envelopes");
  if (value.length > MAX_BATCH_EVENTS)
    throw new MessageError(
      "too_large",
      "",
      `an event batch of ${value.length} elements exceeds ${MAX_BATCH_EVENTS} envelopes`,
    );
  const events: AnyEnvelope[] = [];
  const rejected: BatchRejection[] = [];
  // A payload within the envelope limit cannot hold an element over it, so elements are
  // re-serialised and measured only in bigger batches (a store's steady state is one sale per
  // message: serialising it again cost as much as validating it).
  const measure = byteLength(raw) > MAX_ENVELOPE_BYTES;
  // Before anything re-serialises an element (JSON.stringify recurses): the whole payload is
  // refused if it nests deeper than MAX_JSON_DEPTH. Only on the paths that re-serialise, so a
  // batch of valid events pays nothing for it.
  let walked = false;
  const bounded = () => {
    if (walked) return;
    walked = true;
    const problem = jsonValueProblem(value);
    if (problem) throw new MessageError("bad_json", problem.path, problem.message);
  };
  if (measure) bounded();
  value.forEach((element, index) => {
    let text: string | undefined;
    try {
      if (measure) {
        text = JSON.stringify(element) ?? "null";
        if (byteLength(text) > MAX_ENVELOPE_BYTES)
          throw new MessageError(
            "too_large",
            "",
            `event of ${byteLength(text)} bytes exceeds ${MAX_ENVELOPE_BYTES}`,
          );
      }
      events.push(validateEnvelope(element));
    } catch (e) {
      if (!(e instanceof MessageError)) throw e;
      bounded();
      rejected.push({ index, error: e, raw: text ?? JSON.stringify(element) ?? "null" });
    }
  });
  return { events, rejected };
}

export interface EnvelopeInit {
  storeId: string;
  seq?: number;
  id?: string;
  /** Defaults to the time of the UUIDv7 or now. */
  occurredAt?: string;
}

/** Builds and validates an envelope; throws MessageError if the payload is not valid. */
export function makeEnvelope<T extends MessageType>(
  type: T,
  payload: Payload<T>,
  init: EnvelopeInit,
): Envelope<T> {
  const env = {
    v: MESSAGES[type].v,
    id: init.id ?? uuidv7(),
    type,
    storeId: init.storeId,
    seq: init.seq ?? 0,
    occurredAt: init.occurredAt ?? new Date().toISOString(),
    payload,
  };
  return validateEnvelope(env) as Envelope<T>;
}

/** Serialises an envelope and checks the size limit, so nothing oversized is ever sent. */
export function encodeEnvelope(env: Envelope): string {
  const text = JSON.stringify(env);
  const size = byteLength(text);
  const limit = PAGE_TYPES.has(env.type) ? MAX_MQTT_PAYLOAD_BYTES : MAX_ENVELOPE_BYTES;
  if (size > limit) throw new MessageError("too_large", "", `envelope of ${size} bytes exceeds ${limit}`);
  return text;
}

/**
 * Canonical JSON (keys sorted) of a payload, so that "same id, different content" can be told
 * from a harmless duplicate by comparing strings or hashes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(",")}}`;
}
