// The long mode's pacing (docs/faults.md "The long mode"): instead of lock-step rounds (every
// store's fault held, then one check, so the slowest fault of the round held all the others),
// each store has its own lane that injects its faults one after another, and a checker that
// batches the stores struck since its last pass into one pass over the databases. A lane waits
// for a pass that began after its fault ended before it injects the next one, so every fault is
// still followed by a check of its store; a kill and restart or a slow dead-letter wait at one
// store no longer holds the others.

export interface LaneFault {
  store: number;
}

/**
 * Runs `faults` (in schedule order) with one sequential lane per store: a store's faults keep
 * their order; faults on different stores run concurrently. `stop()` true stops every lane
 * before its next fault (a deadline). Returns how many faults ran.
 */
export async function runLanes<F extends LaneFault>(
  faults: readonly F[],
  run: (f: F) => Promise<void>,
  stop: () => boolean,
): Promise<number> {
  const byStore = new Map<number, F[]>();
  for (const f of faults) byStore.set(f.store, [...(byStore.get(f.store) ?? []), f]);
  let ran = 0;
  await Promise.all(
    [...byStore.values()].map(async (queue) => {
      for (const f of queue) {
        if (stop()) return;
        ran++;
        await run(f);
      }
    }),
  );
  return ran;
}

/**
 * Batches incremental checks: `after(key)` resolves once a pass that began after the call has
 * checked `key`; a pass checks every key asked for since the previous pass began, in one call of
 * `pass` (one read of each database for all of them).
 */
export class CheckBatcher<K> {
  private waiting = new Map<K, (() => void)[]>();
  private running?: Promise<void>;
  passes = 0;
  passMs = 0;
  /** Keys per pass, summed (passes / this = how well the passes batch). */
  checked = 0;
  /** A pass that threw (the runner reports it; the lanes go on). */
  errors: unknown[] = [];

  constructor(private readonly pass: (keys: K[]) => Promise<void>) {}

  after(key: K): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve]);
      this.running ??= this.loop();
    });
  }

  private async loop(): Promise<void> {
    while (this.waiting.size) {
      const batch = this.waiting;
      this.waiting = new Map();
      const t = Date.now();
      try {
        await this.pass([...batch.keys()]);
      } catch (e) {
        this.errors.push(e);
      } finally {
        this.passes++;
        this.checked += batch.size;
        this.passMs += Date.now() - t;
        for (const rs of batch.values()) for (const r of rs) r();
      }
    }
    this.running = undefined;
  }
}
