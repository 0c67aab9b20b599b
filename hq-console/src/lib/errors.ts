// The hub's error bodies as one error type, and query strings; no runes here, so bun test runs it.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
  /** The route is not on this hub (an older hub, or a feature not deployed yet). */
  get missing(): boolean {
    return this.status === 404 && this.code === "not_found" && /no route/.test(this.message);
  }
}

/** Reads the hub's error body: {error, field, message} (400), {error, reason} (401/403/409). */
export function errorFrom(status: number, text: string): ApiError {
  let body: { error?: string; reason?: string; message?: string; field?: string } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (a proxy's page): keep the status and the start of the text
  }
  const msg = body.reason ?? body.message ?? (text.slice(0, 200) || `HTTP ${status}`);
  return new ApiError(status, body.error ?? `http_${status}`, msg, body.field || undefined);
}

/** Query string from the defined values only. */
export function qs(params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}
