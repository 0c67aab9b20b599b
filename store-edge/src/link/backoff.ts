// Reconnect delay with full jitter: uniform over [0, min(cap, base * 2^attempt)]. A thousand
// stores that lost HQ at the same moment come back spread over the whole window instead of in
// one wave.
export function backoffDelay(attempt: number, random: number, baseMs = 1_000, capMs = 60_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random * ceiling);
}
