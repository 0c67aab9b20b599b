// How the hub keeps a store's MQTT password. The password is a 192-bit random secret the hub
// generates at enrollment or rotation (never chosen or remembered by a person), so a salted
// SHA-256 of it cannot be brute-forced from a stolen hq.db, and checking it costs microseconds.
// Slow hashes (argon2id, the form used before) are for memorised, low-entropy secrets; here they
// made every reconnect after a hub restart cost one argon2 (~40 ms of CPU, seconds under load),
// so a chain-wide reconnect queued minutes of hashing before the first backlog was acked
// (issue 21's reconnect storm). Stored argon2 hashes are still verified, and replaced by the
// fast form on the store's next good login (stores.ts).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const PREFIX = "s256$";

/** `s256$<salt>$<digest>` (base64url): SHA-256 over the salt and the password. */
export function hashStoreSecret(password: string, salt: Uint8Array = randomBytes(16)): string {
  const s = Buffer.from(salt).toString("base64url");
  return `${PREFIX}${s}$${digest(s, password).toString("base64url")}`;
}

/** A hash in the old, slow form (argon2id via Bun.password): verified, then upgraded. */
export const isSlowHash = (stored: string) => !stored.startsWith(PREFIX);

export async function verifyStoreSecret(password: string, stored: string): Promise<boolean> {
  if (isSlowHash(stored)) return Bun.password.verify(password, stored).catch(() => false);
  const [salt, want] = stored.slice(PREFIX.length).split("$");
  if (!salt || !want) return false;
  const expected = Buffer.from(want, "base64url");
  const got = digest(salt, password);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

function digest(salt: string, password: string): Buffer {
  return createHash("sha256").update(`${salt}\u0000${password}`).digest();
}
