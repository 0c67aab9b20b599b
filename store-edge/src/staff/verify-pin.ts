// The one place a till checks a PIN: the sign-in, every supervisor approval (voids, price
// overrides, returns without receipt, refunds to cash of non-cash sales, cash in/out, no-sale,
// training), stock counts and receivings, and the unlock of a locked code all call `verifyPin`.
//
// Two limits, both before the PIN's hash is compared:
// - per cashier code, durable (LaneSessions.guardPin, cashier_pin_failures): 5 wrong PINs in a
//   row lock the code for pinLockMs, through restarts and power cuts;
// - per source address (the device on the LAN that sent the request), durable (pin-sources.ts,
//   pin_source_failures / pin_source_throttles): a source that in the last `windowMs` has locked
//   `maxLocks` codes (5 wrong PINs each), or sent `maxWrong` wrong PINs (unknown codes included),
//   or wrong PINs at `maxCodes` different existing codes, is refused (429) for `throttleMs`,
//   doubled for each throttle of the last 24 h (cap `maxThrottleMs`). So one LAN device locks at
//   most maxLocks codes (2 by default) before it is stopped itself, while a till where cashiers
//   mistype once or twice at their own, a supervisor's and a colleague's code is not (in the demo
//   every browser till is 127.0.0.1: one address for all). Checks in flight count: a source may
//   have checks in flight at no more codes than it has locks left, so a burst cannot lock more.
//
// A supervisor or manager can unlock a code at the till (or end a source's throttle from another
// till). Wrong PINs are logged with code, purpose, lane and source; a code locking, a source
// being throttled and an unlock go up to HQ as audit events (through the outbox).
import { AsyncLocalStorage } from "node:async_hooks";
import type { Cashier } from "@retail/protocol";
import type { Clock } from "../clock.ts";
import type { EdgeDb } from "../db.ts";
import { EdgeError, forbidden } from "../errors.ts";
import { PinSourceStore, THROTTLE_MEMORY_MS } from "./pin-sources.ts";
import type { LaneSessions } from "./sessions.ts";

/** What the PIN is for (logged, and shown in the audit detail). */
export type PinPurpose =
  | "sign_in"
  | "line_void"
  | "sale_void"
  | "price_override"
  | "order_adjustment"
  | "return_without_receipt"
  | "refund_to_cash"
  | "training"
  | "cash_move"
  | "no_sale"
  | "stock_count"
  | "receiving"
  | "unlock";

export interface PinRequest {
  cashierId: string;
  pin: string;
  /** "staff": any active cashier; "supervisor": an active supervisor or manager. */
  need: "staff" | "supervisor";
  /** The request field the code came in (named in the refusal). */
  field: string;
  purpose: PinPurpose;
  /** The lane asking ("0" or absent: the back office, no lane). */
  lane?: string;
}

export type PinOutcome = "ok" | "wrong_pin" | "unknown_code" | "not_supervisor" | "locked" | "throttled";

export interface PinAttempt {
  at: string;
  cashierId: string;
  purpose: PinPurpose;
  lane: string;
  source: string;
  outcome: PinOutcome;
}

/** An audit event for HQ (Checkout appends it to the outbox as audit.recorded). */
export interface PinAudit {
  action: "pin_locked" | "pin_unlocked" | "pin_source_throttled";
  laneId: string;
  cashierId: string;
  supervisorId?: string;
  detail: string;
}

export interface SourceLimits {
  /** Wrong PINs from one source within windowMs before it is throttled. */
  maxWrong: number;
  /** Codes one source locked (MAX_WRONG_PINS wrong PINs each) within windowMs before it is throttled. */
  maxLocks: number;
  /**
   * Different existing codes with wrong PINs from one source within windowMs before it is
   * throttled (unknown codes count towards maxWrong only: a mistyped code is not a code).
   */
  maxCodes: number;
  windowMs: number;
  /** The first throttle's length; each further one within 24 h doubles it. */
  throttleMs: number;
  maxThrottleMs: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = {
  maxWrong: 20,
  maxLocks: 2,
  maxCodes: 6,
  windowMs: 3600_000,
  throttleMs: 5 * 60_000,
  maxThrottleMs: 24 * 3600_000,
};

/** The source address of the request being served (set by the HTTP layer per request). */
export const pinSource = new AsyncLocalStorage<string>();
/** The source of a call that did not come over the LAN (tests, the CLI). */
export const LOCAL_SOURCE = "local";

interface SourceState {
  /** Wrong PINs within the window; `known`: at an existing code; `locked`: it locked the code. */
  wrong: { at: number; code: string; known: boolean; locked: boolean }[];
  /** Checks in flight per code. */
  pending: Map<string, number>;
  throttledUntil: number;
  throttles: number[];
}

const RECENT = 200;
const MAX_SOURCES = 1000;

export class PinVerifier {
  private readonly sources = new Map<string, SourceState>();
  private readonly recent: PinAttempt[] = [];
  private readonly store: PinSourceStore;
  readonly limits: SourceLimits;

  constructor(
    private readonly d: {
      /** Where the per-source state is kept (edge.db). */
      db: EdgeDb;
      /** The durable per-code lockout. */
      sessions: LaneSessions;
      cashier: (id: string) => Cashier | undefined;
      /** The store has no cashiers at all yet (its catalog has not come from HQ). */
      noCashiers?: () => boolean;
      clock: Clock;
      audit: (a: PinAudit) => void;
      log: (msg: string) => void;
      limits?: Partial<SourceLimits>;
    },
  ) {
    this.limits = { ...DEFAULT_SOURCE_LIMITS, ...d.limits };
    this.store = new PinSourceStore(d.db, this.limits.windowMs);
    this.store.prune(d.clock.now());
  }

  /**
   * Checks a code and its PIN under both limits; answers the cashier when right. Throws
   * 403 `pin` (wrong PIN), 403 `<field>` (no such active code, or not a supervisor), 403
   * `attempts` (the code is locked) or 429 `source` (this device sent too many wrong PINs).
   */
  async verifyPin(r: PinRequest): Promise<Cashier> {
    const source = pinSource.getStore() ?? LOCAL_SOURCE;
    const lane = r.lane ?? "0";
    const now = this.d.clock.now();
    const s = this.source(source, now);
    if (s.throttledUntil > now) {
      this.note(r, lane, source, "throttled", false);
      throw this.throttledError(source, s.throttledUntil - now);
    }
    // Checks in flight count as wrong (and as locking their code) until answered, so a burst
    // cannot slip past either limit.
    const pending = [...s.pending.values()].reduce((a, b) => a + b, 0);
    const otherCodes = [...s.pending.keys()].filter((k) => k !== r.cashierId).length;
    if (
      s.wrong.length + pending >= this.limits.maxWrong ||
      (otherCodes > 0 && lockedCodes(s) + otherCodes + 1 > this.limits.maxLocks)
    ) {
      this.note(r, lane, source, "throttled", false);
      throw new EdgeError("too_many_attempts", "source", `too many PIN checks at once from ${source}`);
    }
    const c = this.d.cashier(r.cashierId);
    // A new or re-enrolled store before its catalog arrives knows no code at all: a sign-in
    // then proves nothing about the device, so it is not a wrong PIN (else the tills that try
    // until the catalog comes would throttle their own address).
    if (!c && this.d.noCashiers?.())
      throw new EdgeError(
        "unavailable",
        r.field,
        "this store has no cashiers yet: waiting for its catalog from HQ",
      );
    if (c?.status !== "active") {
      this.wrong(s, r, lane, source, "unknown_code", false);
      throw forbidden(r.field, `no active cashier ${r.cashierId}`);
    }
    if (r.need === "supervisor" && c.role === "cashier") {
      this.note(r, lane, source, "not_supervisor", true);
      throw forbidden(r.field, `${r.cashierId} is not a supervisor`);
    }
    s.pending.set(r.cashierId, (s.pending.get(r.cashierId) ?? 0) + 1);
    try {
      const ok = await this.d.sessions.guardPin(r.cashierId, async () => {
        if (!(await Bun.password.verify(r.pin, c.pinHash))) throw forbidden("pin", "wrong PIN");
        return c;
      });
      this.note(r, lane, source, "ok", false);
      return ok;
    } catch (e) {
      // A refusal of a locked code checked no PIN (it tells nothing): logged, not counted.
      if (e instanceof EdgeError && e.code === "forbidden" && e.field === "attempts")
        this.note(r, lane, source, "locked", true);
      if (e instanceof EdgeError && e.code === "forbidden" && e.field === "pin") {
        // The wrong PIN that locked the code: HQ hears of it, and it counts against the source.
        const locked = this.d.sessions.pinLockedUntil(r.cashierId) > 0;
        this.wrong(s, r, lane, source, "wrong_pin", locked);
        if (locked)
          this.d.audit({
            action: "pin_locked",
            laneId: lane,
            cashierId: r.cashierId,
            detail: `code ${r.cashierId} locked after wrong PINs (${r.purpose}) from ${source} on lane ${lane}`,
          });
      }
      throw e;
    } finally {
      const n = (s.pending.get(r.cashierId) ?? 1) - 1;
      if (n > 0) s.pending.set(r.cashierId, n);
      else s.pending.delete(r.cashierId);
    }
  }

  /** A supervisor (already verified) unlocks a code at the till. */
  unlockCode(cashierId: string, by: Cashier, lane: string): boolean {
    const had = this.d.sessions.unlockPin(cashierId);
    // A lock a supervisor has looked at and cleared no longer counts against the source that
    // caused it (a till where a cashier forgot their PIN twice in an hour is not throttled).
    this.store.forgiveLock(cashierId);
    for (const st of this.sources.values())
      for (const w of st.wrong) if (w.code === cashierId) w.locked = false;
    const source = pinSource.getStore() ?? LOCAL_SOURCE;
    this.d.log(`PIN unlock: code ${cashierId} by ${by.id} on lane ${lane} from ${source}`);
    this.d.audit({
      action: "pin_unlocked",
      laneId: lane,
      cashierId,
      supervisorId: by.id,
      detail: `code ${cashierId} unlocked by ${by.id} from ${source} on lane ${lane}`,
    });
    return had;
  }

  /** A supervisor (already verified) ends a source's throttle (e.g. a till's, from another till). */
  clearSource(source: string, by: Cashier, lane: string): boolean {
    const had = this.sources.delete(source);
    this.store.clear(source);
    this.d.audit({
      action: "pin_unlocked",
      laneId: lane,
      cashierId: by.id,
      supervisorId: by.id,
      detail: `PIN throttle of source ${source} ended by ${by.id} on lane ${lane}`,
    });
    return had;
  }

  /** Locked codes, throttled sources and the last attempts (for the till and the status). */
  state(): {
    codes: { cashierId: string; count: number; lockedUntil: number }[];
    sources: { source: string; wrong: number; throttledUntil: number }[];
    recent: PinAttempt[];
  } {
    const now = this.d.clock.now();
    const sources = [...this.sources.entries()]
      .map(([source, st]) => {
        this.prune(st, now);
        return {
          source,
          wrong: st.wrong.length,
          throttledUntil: st.throttledUntil > now ? st.throttledUntil : 0,
        };
      })
      .filter((x) => x.wrong > 0 || x.throttledUntil > 0);
    return { codes: this.d.sessions.pinFailures(), sources, recent: [...this.recent].reverse() };
  }

  private source(source: string, now: number): SourceState {
    let s = this.sources.get(source);
    if (!s) {
      // Addresses with nothing against them are forgotten, so the map stays small.
      if (this.sources.size >= MAX_SOURCES)
        for (const [k, v] of this.sources) {
          this.prune(v, now);
          if (!v.wrong.length && !v.pending.size && v.throttledUntil <= now && !v.throttles.length)
            this.sources.delete(k);
        }
      // What the source did before this process started (a restart does not clear it).
      const stored = this.store.load(source, now);
      const until = Math.max(0, ...stored.throttles.map((t) => t.until));
      s = {
        wrong: stored.wrong.map((w) => ({ ...w, known: this.d.cashier(w.code)?.status === "active" })),
        pending: new Map(),
        // The store's clock went back: never refuse longer than the longest throttle.
        throttledUntil: Math.min(until, now + this.limits.maxThrottleMs),
        throttles: stored.throttles.map((t) => t.at),
      };
      this.sources.set(source, s);
    }
    this.prune(s, now);
    return s;
  }

  private prune(s: SourceState, now: number): void {
    while (s.wrong.length && s.wrong[0]!.at <= now - this.limits.windowMs) s.wrong.shift();
    while (s.throttles.length && s.throttles[0]! <= now - THROTTLE_MEMORY_MS) s.throttles.shift();
  }

  /**
   * Counts a wrong attempt against the source and throttles it when it reaches a limit; both
   * committed to edge.db before the refusal is answered.
   */
  private wrong(
    s: SourceState,
    r: PinRequest,
    lane: string,
    source: string,
    outcome: PinOutcome,
    locked: boolean,
  ): void {
    const now = this.d.clock.now();
    const w = { at: now, code: r.cashierId, known: outcome === "wrong_pin", locked };
    s.wrong.push(w);
    this.note(r, lane, source, outcome, true);
    const codes = new Set(s.wrong.filter((x) => x.known).map((x) => x.code)).size;
    const locks = lockedCodes(s);
    const over =
      s.wrong.length >= this.limits.maxWrong ||
      codes >= this.limits.maxCodes ||
      locks >= this.limits.maxLocks;
    if (!over || s.throttledUntil > now) {
      this.store.addWrong(source, w);
      return;
    }
    const ms = Math.min(this.limits.maxThrottleMs, this.limits.throttleMs * 2 ** s.throttles.length);
    this.store.addWrong(source, w, { until: now + ms });
    s.throttles.push(now);
    s.throttledUntil = now + ms;
    this.d.log(
      `PIN throttle: source ${source} for ${Math.round(ms / 1000)} s after ${s.wrong.length} wrong PINs at ${codes} codes, ${locks} locked`,
    );
    this.d.audit({
      action: "pin_source_throttled",
      laneId: lane,
      cashierId: r.cashierId,
      detail: `${s.wrong.length} wrong PINs at ${codes} codes (${locks} locked) from ${source} (last: code ${r.cashierId}, ${r.purpose}, lane ${lane}): refused for ${Math.round(ms / 60_000)} min`,
    });
  }

  private note(r: PinRequest, lane: string, source: string, outcome: PinOutcome, log: boolean): void {
    const at = new Date(this.d.clock.now()).toISOString();
    this.recent.push({ at, cashierId: r.cashierId, purpose: r.purpose, lane, source, outcome });
    if (this.recent.length > RECENT) this.recent.shift();
    if (log) this.d.log(`PIN ${outcome}: code ${r.cashierId} (${r.purpose}) on lane ${lane} from ${source}`);
  }

  private throttledError(source: string, leftMs: number): EdgeError {
    return new EdgeError(
      "too_many_attempts",
      "source",
      `too many wrong PINs from ${source}: try again in ${Math.ceil(leftMs / 60_000)} min, or ask a supervisor at another till`,
    );
  }
}

/** The different codes a source locked within the window. */
function lockedCodes(s: SourceState): number {
  return new Set(s.wrong.filter((w) => w.locked).map((w) => w.code)).size;
}
