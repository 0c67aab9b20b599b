// Whether the status bar says the store's database was re-aligned with HQ: for a day after the
// edge found it restored from a backup or replaced (store-edge outbox/resync.ts), so the staff
// at the till know why HQ shows an alert and the store manager checks it.
import type { EdgeStatus } from "./api.ts";

const SHOWN_FOR_MS = 24 * 3600_000;

export function resyncNotice(
  status: Pick<EdgeStatus, "identity"> | undefined,
  nowMs: number,
): { kind: string; at: string } | undefined {
  const r = status?.identity?.lastResync;
  if (!r) return undefined;
  const at = Date.parse(r.at);
  if (!Number.isFinite(at) || nowMs - at > SHOWN_FOR_MS || at - nowMs > SHOWN_FOR_MS) return undefined;
  return { kind: r.kind, at: r.at };
}
