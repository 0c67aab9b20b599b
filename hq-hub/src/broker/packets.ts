// What aedes lacks on the wire, added per client socket by the embedded broker: a packet-size
// limit checked before the body is buffered, and large payloads written without a copy.
import type { Socket } from "node:net";

export interface SizeGuardedParser {
  packet: { length: number };
  _parseLength: () => boolean;
  _emitError: (e: Error) => void;
}

/**
 * aedes has no packet-size limit. Its mqtt-packet parser reads the fixed header's remaining
 * length before the body, so checking it there refuses an oversize packet before buffering it:
 * the parser errors and aedes closes the connection.
 */
export function guardPacketSize(client: { _parser: SizeGuardedParser }, max: number, onOversize: () => void) {
  const parser = client._parser;
  const parseLength = parser._parseLength.bind(parser);
  parser._parseLength = () => {
    const ok = parseLength();
    if (ok && parser.packet.length > max) {
      onOversize();
      parser._emitError(new Error(`packet of ${parser.packet.length} bytes exceeds ${max}`));
      return false;
    }
    return ok;
  };
}

/**
 * mqtt-packet corks the socket around every packet it writes (header pieces, topic, payload)
 * and uncorks on the next tick, so the socket's writev concatenates them into one new buffer:
 * for a 500 KB catalog page to 1,000 stores that copy was 30% of the hub's CPU in the fan-out.
 * Here a corked socket still gathers the small pieces into one write, but a large chunk (a
 * payload) goes out on its own right after them, without being copied, and its write's real
 * result is returned so aedes still waits for 'drain' when the socket is full. Order is kept:
 * pending pieces are always written before the chunk that follows them.
 */
export function writeLargeChunksDirectly(socket: Socket, large = 16 * 1024) {
  let corks = 0;
  let pending: Buffer[] = [];
  const socketWrite = socket.write;
  const write = (...a: unknown[]) => (socketWrite as (...a: unknown[]) => boolean).apply(socket, a);
  const flush = () => {
    if (pending.length === 0) return true;
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    return write(out);
  };
  socket.cork = () => {
    corks++;
  };
  socket.uncork = () => {
    if (corks > 0 && --corks === 0) flush();
  };
  socket.write = ((chunk: Buffer | string, encoding?: unknown, cb?: unknown) => {
    if (corks === 0 || typeof encoding === "function" || typeof cb === "function") {
      flush();
      return write(chunk, encoding, cb);
    }
    const buf =
      typeof chunk === "string" ? Buffer.from(chunk, (encoding as BufferEncoding) ?? "utf8") : chunk;
    if (buf.length < large) {
      pending.push(buf);
      return true;
    }
    flush();
    return write(buf);
  }) as typeof socket.write;
}
