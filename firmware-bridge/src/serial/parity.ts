// 7E1 on the wire (start, 7 data bits, even parity, stop) has exactly the bit timing of 8N1 with
// the parity bit as bit 7. We always open serial lines as 8N1 raw and let the codec add and
// check the parity bit. That is the only way a pseudo-terminal can carry a 7E1 protocol (a PTY
// has no UART, so `stty parenb cs7` fails on it), and it is bit-for-bit what a real UART
// configured as 8N1 sends and receives, so simulators and real scales share one code path.

export type Framing = "7E1" | "8N1";

/** Sets bit 7 so that the byte has an even number of one bits (7E1 even parity). */
export function withEvenParity(b: number): number {
  const v = b & 0x7f;
  let ones = 0;
  for (let x = v; x; x >>= 1) ones += x & 1;
  return ones % 2 ? v | 0x80 : v;
}

export function hasEvenParity(b: number): boolean {
  return withEvenParity(b) === (b & 0xff);
}

/** Encodes bytes for the line: 7E1 adds parity; 8N1 passes through. */
export function toLine(bytes: Uint8Array, framing: Framing): Uint8Array {
  if (framing === "8N1") return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = withEvenParity(bytes[i]!);
  return out;
}

/**
 * Decodes bytes from the line. For 7E1 a byte whose parity is wrong is replaced by 0xff, a value
 * no 7-bit protocol uses, so that the frame decoder discards the frame it falls in and resyncs.
 */
export function fromLine(bytes: Uint8Array, framing: Framing): Uint8Array {
  if (framing === "8N1") return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out[i] = hasEvenParity(b) ? b & 0x7f : 0xff;
  }
  return out;
}
