// Hostile HTTP from outside a process: raw requests whose bodies are streamed (chunked or with
// a Content-Length) from a chosen local address. Used by both servers' tests (hq-hub and
// store-edge may not import each other, so the one copy lives here).
import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes written before the answer came (or the connection closed). */
  sent: number;
}

/**
 * Sends `method path` with a body of `bodyBytes` bytes, streamed in 64 KiB pieces, chunked
 * (no Content-Length) or with a Content-Length; stops writing as soon as an answer arrives.
 */
export function rawRequest(
  url: string,
  method: string,
  path: string,
  o: {
    bodyBytes: number;
    chunked: boolean;
    headers?: Record<string, string>;
    localAddress?: string;
    body?: string;
  },
): Promise<RawAnswer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: u.hostname,
      port: Number(u.port),
      ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    });
    let answer = Buffer.alloc(0);
    let answered = false;
    let sent = 0;
    let settled = false;
    const total = o.body !== undefined ? Buffer.byteLength(o.body) : o.bodyBytes;
    const finish = () => {
      if (settled) return;
      const text = answer.toString("latin1");
      const headEnd = text.indexOf("\r\n\r\n");
      if (headEnd < 0) {
        if (answer.length === 0 && socketClosed) {
          settled = true;
          reject(new Error(`no answer to ${method} ${path} after ${sent} bytes`));
        }
        return;
      }
      const [statusLine, ...headerLines] = text.slice(0, headEnd).split("\r\n");
      const headers: Record<string, string> = {};
      for (const l of headerLines) {
        const i = l.indexOf(":");
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      let body = answer.subarray(Buffer.byteLength(text.slice(0, headEnd + 4), "latin1"));
      if (headers["transfer-encoding"]?.includes("chunked")) {
        // Enough for the small answers here: size line, data, CRLF ... until 0.
        const parts: Buffer[] = [];
        let rest = body;
        for (;;) {
          const eol = rest.indexOf("\r\n");
          if (eol < 0) return socketClosed ? done(Buffer.concat(parts)) : undefined;
          const size = Number.parseInt(rest.subarray(0, eol).toString(), 16);
          if (size === 0) return done(Buffer.concat(parts));
          if (rest.length < eol + 2 + size) return socketClosed ? done(Buffer.concat(parts)) : undefined;
          parts.push(rest.subarray(eol + 2, eol + 2 + size));
          rest = rest.subarray(eol + 4 + size);
        }
      }
      const len = Number(headers["content-length"] ?? Number.NaN);
      if (Number.isFinite(len) && body.length < len && !socketClosed) return;
      if (Number.isFinite(len)) body = body.subarray(0, len);
      else if (!socketClosed) return;
      done(body);
      function done(b: Buffer) {
        settled = true;
        socket.destroy();
        resolve({ status: Number(statusLine!.split(" ")[1]), headers, body: b.toString("utf8"), sent });
      }
    };
    let socketClosed = false;
    socket.on("data", (d: Buffer) => {
      answered = true;
      answer = Buffer.concat([answer, d]);
      finish();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      socketClosed = true;
      finish();
      if (!settled) {
        settled = true;
        if (answer.length === 0) reject(new Error(`connection closed without an answer after ${sent} bytes`));
      }
    });
    const head = [
      `${method} ${path} HTTP/1.1`,
      `Host: ${u.host}`,
      "Content-Type: application/json",
      ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
      o.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${total}`,
      "",
      "",
    ].join("\r\n");
    socket.once("connect", () => {
      socket.write(head);
      if (o.body !== undefined) {
        const b = Buffer.from(o.body);
        socket.write(
          o.chunked
            ? Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from("\r\n0\r\n\r\n")])
            : b,
        );
        sent = b.length;
        return;
      }
      const piece = Buffer.alloc(64 * 1024, 0x41);
      const framed = Buffer.concat([
        Buffer.from(`${piece.length.toString(16)}\r\n`),
        piece,
        Buffer.from("\r\n"),
      ]);
      const pump = () => {
        while (!answered && !socket.destroyed && sent < total) {
          sent += piece.length;
          const ok = socket.write(o.chunked ? framed : piece);
          if (!ok) return void socket.once("drain", pump);
        }
        if (!answered && !socket.destroyed && o.chunked) socket.write("0\r\n\r\n");
      };
      pump();
    });
  });
}
