// Size limits of what crosses the wire, and the error every refused message throws.
/** A single envelope may not exceed this many bytes of UTF-8 JSON. */
export const MAX_ENVELOPE_BYTES = 128 * 1024;
/** One MQTT payload (an event batch or a change-set page) may not exceed this. */
export const MAX_MQTT_PAYLOAD_BYTES = 512 * 1024;
/** The embedded broker refuses packets larger than this (payload + topic + headers). */
export const MAX_MQTT_PACKET_BYTES = 1024 * 1024;
/**
 * Envelopes in one event batch. The edge sends at most 2,000 outbox rows per read, and no
 * ledger envelope is under ~250 bytes, so a 512 KiB batch never legitimately holds more.
 */
export const MAX_BATCH_EVENTS = 2000;

export type MessageErrorCode = "too_large" | "bad_json" | "unknown_type" | "unknown_version" | "invalid";

export class MessageError extends Error {
  override readonly name = "MessageError";
  constructor(
    readonly code: MessageErrorCode,
    /** Dotted path of the field at fault, e.g. "payload.lines.2.qty"; "" for the whole message. */
    readonly field: string,
    message: string,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}
