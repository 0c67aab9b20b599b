// Request bodies are read with a ceiling: a Content-Length above it is refused before a byte
// is read, and a chunked body (no Content-Length) is counted as it streams in and refused the
// moment it passes the ceiling, so no request can make the hub hold more than its route's limit.

/** The body is above the route's limit: answered 413 naming the limit. */
export class PayloadTooLargeError extends Error {
  override readonly name = "PayloadTooLargeError";
  constructor(
    readonly limit: number,
    readonly route: string,
  ) {
    super(`the request body is above the ${formatBytes(limit)} (${limit} bytes) limit of ${route}`);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** The body's bytes, at most `limit` of them; PayloadTooLargeError past that. */
export async function readBodyLimited(req: Request, limit: number, route: string): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && !req.headers.has("transfer-encoding")) {
    const n = Number(declared);
    if (!Number.isSafeInteger(n) || n < 0 || n > limit) throw new PayloadTooLargeError(limit, route);
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Stop reading: the rest is never buffered (the server drops it with the connection).
      void reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(limit, route);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
