// Rate-limited logging: the same message (by key) is written once per interval, then once more
// with how many times it repeated, so a fault that fails every request (a full disk) cannot fill
// what is left of the disk with its own log.
export class RateLimitedLog {
  private readonly seen = new Map<string, { at: number; suppressed: number }>();
  constructor(
    private readonly write: (line: string) => void = (l) => console.error(l),
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 200,
  ) {}

  /** Logs `line` unless the same key was logged less than an interval ago (then counts it). */
  log(key: string, line: string): void {
    const t = this.now();
    const s = this.seen.get(key);
    if (s && t - s.at < this.intervalMs) {
      s.suppressed++;
      return;
    }
    const repeated = s?.suppressed
      ? ` (repeated ${s.suppressed} times in the last ${Math.round((t - s.at) / 1000)} s)`
      : "";
    this.write(`${line}${repeated}`);
    if (!s && this.seen.size >= this.maxKeys) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, { at: t, suppressed: 0 });
  }
}

/** One for the process: the edge's error paths share it. */
export const errorLog = new RateLimitedLog();
