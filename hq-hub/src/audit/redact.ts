// What the audit log keeps of a request or an answer: the value as JSON with its secrets
// replaced (a token shown once, an MQTT password, an enrollment code must not outlive the
// answer that carried them), capped so a 100k-row CSV import does not copy itself into the log.

/** Keys whose values are secrets wherever they appear. */
const SECRET_KEYS = new Set(["token", "password", "secret", "mqttPassword", "mqttPasswordPending"]);
/** Routes whose `code` is a secret (a one-time enrollment code), not a product or account code. */
const CODE_IS_SECRET = new Set(["/api/v1/enroll", "/api/v1/stores/{id}/enrollment-code"]);

export const REDACTED = "[redacted]";
/** The most of one value the log keeps, in characters of JSON. */
export const MAX_JSON_CHARS = 16_384;

function scrub(value: unknown, secret: (key: string) => boolean, depth: number): unknown {
  if (depth > 20) return "[too deep]";
  if (Array.isArray(value)) return value.map((v) => scrub(v, secret, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = secret(k) ? REDACTED : scrub(v, secret, depth + 1);
    return out;
  }
  return value;
}

/**
 * The JSON the log stores for `value` on `route`: secrets redacted; a text body (CSV) kept as
 * its size and first lines; anything over MAX_JSON_CHARS cut, saying how long it was.
 */
export function auditJson(route: string, value: unknown): string | null {
  if (value === undefined) return null;
  const codeSecret = CODE_IS_SECRET.has(route);
  const secret = (k: string) => SECRET_KEYS.has(k) || (codeSecret && k === "code");
  let kept: unknown;
  if (typeof value === "string") kept = { text: value.slice(0, 2000), chars: value.length };
  else if (value instanceof Uint8Array) kept = { bytes: value.byteLength };
  else kept = scrub(value, secret, 0);
  const json = JSON.stringify(kept) ?? "null";
  if (json.length <= MAX_JSON_CHARS) return json;
  // The head is quoted again inside the envelope (each quote or backslash doubles): half fits.
  return JSON.stringify({ truncated: true, chars: json.length, head: json.slice(0, MAX_JSON_CHARS / 2) });
}
