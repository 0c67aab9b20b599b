// A byte link is the thin transport under every codec: a tty, a TCP socket, a USB endpoint pair.
// Codecs never see the transport; drivers take any ByteLink.
import { EventEmitter } from "node:events";

export interface ByteLinkEvents {
  data: [Uint8Array];
  /** The link is gone (unplugged, peer closed, I/O error); `reason` is undefined after close(). */
  close: [reason: string | undefined];
}

export abstract class ByteLink extends EventEmitter<ByteLinkEvents> {
  abstract readonly name: string;
  abstract readonly isOpen: boolean;
  abstract write(bytes: Uint8Array): Promise<void>;
  abstract close(): Promise<void>;
}

/**
 * Resolves when `predicate` holds, polling every `everyMs`; rejects with `what` after `timeoutMs`.
 * Tests and drivers wait for conditions with this instead of fixed sleeps.
 */
export async function waitFor(
  predicate: () => boolean,
  what: string,
  timeoutMs = 5000,
  everyMs = 2,
): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
}
