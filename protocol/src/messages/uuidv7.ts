// Envelope ids: time-ordered UUIDv7s.
let lastMs = 0;
let counter = 0;

/**
 * RFC 9562 UUIDv7: 48-bit Unix ms, then 74 random bits; within one millisecond a 12-bit
 * counter in rand_a keeps ids from one process strictly increasing.
 */
export function uuidv7(
  nowMs: number = Date.now(),
  random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  const bytes = random(new Uint8Array(16));
  if (nowMs <= lastMs) {
    counter = (counter + 1) & 0xfff;
    if (counter === 0) lastMs++; // counter wrapped: borrow the next millisecond
    nowMs = lastMs;
  } else {
    lastMs = nowMs;
    counter = bytes[6]! & 0x03; // small random start leaves room to count up
  }
  const ms = BigInt(nowMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | ((counter >> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The millisecond timestamp inside a UUIDv7. */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
}
