// The fault schedule, drawn from a seed: the same seed gives the same faults in the same order
// with the same parameters (which store, how long, how far the clock jumps), so a failure replays
// with `npm run faults -- --seed N`. Timing against real processes still varies run to run.
export const FAULT_CLASSES = [
  "kill9-edge",
  "kill9-hub",
  "kill9-broker",
  "power-cut",
  "disk-full-edge",
  "disk-full-hub",
  "disk-readonly-edge",
  "disk-readonly-hub",
  "net-cut",
  "net-latency",
  "net-halfopen",
  "net-loss",
  "net-reorder",
  "clock-forward",
  "clock-back",
  "restore-edge",
  "poison",
  "duplicate",
  "oversell",
] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

/**
 * The classes a run can inject: killing the broker alone needs an external one; `skipped` names
 * the classes this machine cannot inject (no gcc for the power-loss shim, not root for mounts).
 */
export function classesFor(
  broker: "embedded" | "mosquitto",
  skipped: Partial<Record<FaultClass, string>> = {},
): FaultClass[] {
  return FAULT_CLASSES.filter((c) => (broker === "mosquitto" || c !== "kill9-broker") && !skipped[c]);
}

/**
 * Classes that leave every process running (the link, the clock, hostile or replayed messages):
 * the long mode draws mostly these, so thousands of real faults fit in an hour, and the
 * expensive ones (a kill, a power cut, a disk, a restore, an oversell) at a stated share.
 */
export const CHEAP_CLASSES: readonly FaultClass[] = [
  "net-cut",
  "net-latency",
  "net-halfopen",
  "net-loss",
  "net-reorder",
  "clock-forward",
  "clock-back",
  "poison",
  "duplicate",
];

/** The long mode's draw: a share of expensive faults, the rest cheap, stores in shuffled turns. */
export interface Mix {
  /** Probability that a drawn fault is an expensive class (0..1). */
  expensiveShare: number;
}

export interface Fault {
  n: number;
  kind: FaultClass;
  store: number;
  /** How long the fault holds (network, clock) or how long traffic runs before it (kills, restore). */
  holdMs: number;
  /** Traffic between the previous check and this fault. */
  gapMs: number;
  /** Latency per packet, the clock jump, how long a reordered message is held at most; for net-loss the percentage of messages lost. */
  amountMs: number;
}

/** mulberry32: small, fast, good enough to draw a schedule. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` faults over `stores` stores. The first ones cover every allowed class once (in a
 * seeded order) and every store in turn, so even a short run injects each class; the rest are
 * drawn uniformly.
 */
export function drawSchedule(
  seed: number,
  count: number,
  stores: number,
  only?: FaultClass[],
  allowed: readonly FaultClass[] = FAULT_CLASSES,
  /** The long mode's pace: faults held 0.3-1.5 s, 50-400 ms of traffic between rounds. */
  fast = false,
  /**
   * The cheap mix (long mode): after the first cover of every class, a fault is expensive with
   * probability `expensiveShare`; stores are struck in shuffled turns (each store once per turn),
   * so a round holds a fault on every store; cheap faults are held 0.1-0.5 s.
   */
  mix?: Mix,
): Fault[] {
  const rand = prng(seed);
  const classes = (only?.length ? only : allowed).filter((c) => allowed.includes(c));
  if (!classes.length) return [];
  const first = [...classes];
  for (let i = first.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [first[i], first[j]] = [first[j]!, first[i]!];
  }
  const out: Fault[] = [];
  const cheap = classes.filter((c) => CHEAP_CLASSES.includes(c));
  const dear = classes.filter((c) => !CHEAP_CLASSES.includes(c));
  const pick = (from: FaultClass[]) => from[Math.floor(rand() * from.length)]!;
  let turn: number[] = [];
  for (let n = 0; n < count; n++) {
    const kind =
      n < first.length
        ? first[n]!
        : !mix
          ? pick(classes)
          : cheap.length && (!dear.length || rand() >= mix.expensiveShare)
            ? pick(cheap)
            : pick(dear);
    const between = (lo: number, hi: number) => Math.round(lo + rand() * (hi - lo));
    if (mix && !turn.length) {
      turn = Array.from({ length: stores }, (_, i) => i);
      for (let i = turn.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [turn[i], turn[j]] = [turn[j]!, turn[i]!];
      }
    }
    const cheapHold = mix && CHEAP_CLASSES.includes(kind);
    const amountMs =
      kind === "net-latency"
        ? between(100, 1500)
        : kind === "net-loss"
          ? between(5, 50)
          : kind === "net-reorder"
            ? between(100, 2000)
            : kind === "clock-forward"
              ? between(60_000, 6 * 3600_000)
              : kind === "clock-back"
                ? -between(60_000, 6 * 3600_000)
                : 0;
    out.push({
      n: n + 1,
      kind,
      // The first faults go round the stores, so a short run strikes every store once.
      store: mix ? turn.shift()! : n < stores ? n : Math.floor(rand() * stores),
      holdMs: cheapHold ? between(100, 500) : fast ? between(300, 1500) : between(1000, 4000),
      gapMs: mix ? between(0, 100) : fast ? between(50, 400) : between(300, 2000),
      amountMs,
    });
  }
  return out;
}

/** Classes that strike the whole chain (the hub, its broker, its disk) or two stores: injected alone. */
export const CHAIN_CLASSES: readonly FaultClass[] = [
  "kill9-hub",
  "kill9-broker",
  "disk-full-hub",
  "disk-readonly-hub",
  "oversell",
];

/**
 * The schedule cut into rounds injected at once, one check after each: consecutive store faults
 * on different stores share a round (each store gets at most one), a chain fault is a round of
 * its own. `parallel` false: one fault per round (the order of the schedule either way).
 */
export function roundsOf(schedule: readonly Fault[], parallel: boolean): Fault[][] {
  const rounds: Fault[][] = [];
  let cur: Fault[] = [];
  for (const f of schedule) {
    const chain = CHAIN_CLASSES.includes(f.kind);
    if (
      cur.length &&
      (!parallel || chain || cur.some((g) => g.store === f.store || CHAIN_CLASSES.includes(g.kind)))
    ) {
      rounds.push(cur);
      cur = [];
    }
    cur.push(f);
  }
  if (cur.length) rounds.push(cur);
  return rounds;
}
