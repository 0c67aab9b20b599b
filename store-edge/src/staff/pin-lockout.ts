// The PIN lockout of cashier codes: after MAX_WRONG_PINS wrong PINs in a row a code is refused
// for `pinLockMs`, so a 4-digit PIN cannot be guessed by trying them all. Kept in the database
// (cashier_pin_failures, migration 0006), so pulling the plug of the store's mini-PC does not
// clear it. staff/verify-pin.ts runs every PIN check through it (via the lane sessions).
import { eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { cashierPinFailures } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import { EdgeError } from "../errors.ts";

/** Wrong PINs in a row for one cashier code before the code is locked for LOCK_MS. */
export const MAX_WRONG_PINS = 5;
/** How long a code stays locked unless configured (store-edge.json sessions.pinLockSeconds). */
export const LOCK_MS = 5 * 60_000;

/** A cashier code's PIN checks: the stored count and lock, plus the checks in flight (memory). */
interface PinState {
  count: number;
  pending: number;
  /** Epoch ms on the store's clock; 0 = not locked. */
  lockedUntil: number;
  /** Whether cashier_pin_failures has a row for the code. */
  stored: boolean;
}

export class PinLockout {
  /**
   * Wrong PINs in a row per cashier code and until when the code is locked: a write-through
   * cache of cashier_pin_failures (read on a code's first check), plus the checks in flight.
   */
  private readonly wrongPins = new Map<string, PinState>();
  private readonly q;

  constructor(
    private readonly db: EdgeDb,
    private readonly clock: Clock,
    /** How long MAX_WRONG_PINS wrong PINs in a row lock a cashier code. */
    readonly pinLockMs: number = LOCK_MS,
  ) {
    const d = db.d;
    const p = sql.placeholder;
    this.q = {
      pinGet: d
        .select({ count: cashierPinFailures.count, lockedUntilMs: cashierPinFailures.lockedUntilMs })
        .from(cashierPinFailures)
        .where(eq(cashierPinFailures.cashierId, p("id")))
        .prepare(),
      pinPut: d
        .insert(cashierPinFailures)
        .values({
          cashierId: p("id"),
          count: p("count"),
          lockedUntilMs: p("lockedUntil"),
          updatedAt: p("at"),
        })
        // `excluded.*` is SQLite's upsert row: drizzle's documented way to say "the new value".
        .onConflictDoUpdate({
          target: cashierPinFailures.cashierId,
          set: {
            count: sql`excluded.count`,
            lockedUntilMs: sql`excluded.locked_until_ms`,
            updatedAt: sql`excluded.updated_at`,
          },
        })
        .prepare(),
      pinDelete: d
        .delete(cashierPinFailures)
        .where(eq(cashierPinFailures.cashierId, p("id")))
        .prepare(),
    };
  }

  /**
   * Runs a check of a cashier's code and PIN that anyone on the LAN can call (the sign-in, the
   * stock count and receiving): after MAX_WRONG_PINS wrong PINs in a row the code is refused
   * for `pinLockMs` (LOCK_MS unless configured), so a 4-digit PIN cannot be guessed by trying
   * them all. A right PIN clears the count. Per cashier code, across lanes.
   *
   * Durable: every wrong PIN is committed (synchronous=FULL) to cashier_pin_failures before the
   * 403 is answered, so neither a restart nor pulling the plug clears the count or the lock.
   * A right PIN costs one primary-key read (the first time a code is seen) and no write unless
   * there was a wrong one before; that reset is written without its own fsync (a power cut can
   * only bring back the count it cleared: it errs on the locked side).
   */
  async guardPin<T>(cashierId: string, fn: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const w = this.pinState(cashierId);
    if (w.lockedUntil > now + this.pinLockMs) {
      // The store's clock went back (or a shorter lock is configured since): never lock longer.
      w.lockedUntil = now + this.pinLockMs;
      this.savePins(cashierId, w, now);
    }
    if (w.lockedUntil > now)
      throw new EdgeError(
        "forbidden",
        "attempts",
        `${MAX_WRONG_PINS} wrong PINs in a row for ${cashierId}: try again in ${Math.ceil((w.lockedUntil - now) / 60_000)} min`,
      );
    if (w.lockedUntil) {
      // The lock ran out: a fresh count (the stored row is rewritten or deleted at the next answer).
      w.count = 0;
      w.lockedUntil = 0;
    }
    // Checks in flight count as wrong until they answer, so a burst cannot slip past the limit.
    if (w.count + w.pending >= MAX_WRONG_PINS)
      throw new EdgeError("forbidden", "attempts", `too many PIN checks at once for ${cashierId}`);
    w.pending++;
    try {
      const r = await fn();
      w.count = 0;
      if (w.stored) {
        w.stored = false;
        this.db.writeVolatile(() => this.q.pinDelete.run({ id: cashierId }));
      }
      return r;
    } catch (e) {
      if (e instanceof EdgeError && e.code === "forbidden" && e.field === "pin") {
        w.count++;
        const at = this.clock.now();
        if (w.count >= MAX_WRONG_PINS) w.lockedUntil = at + this.pinLockMs;
        this.savePins(cashierId, w, at);
      }
      throw e;
    } finally {
      w.pending--;
      if (!w.count && !w.pending && !w.lockedUntil && !w.stored && this.wrongPins.get(cashierId) === w)
        this.wrongPins.delete(cashierId);
    }
  }

  /** Until when the code is locked (epoch ms; 0 = not locked now). */
  pinLockedUntil(cashierId: string): number {
    const w = this.pinState(cashierId);
    return w.lockedUntil > this.clock.now() ? w.lockedUntil : 0;
  }

  /**
   * Clears a code's wrong PINs and lock (a supervisor at the till unlocked it), durably. Checks
   * in flight keep counting. Answers whether there was anything to clear.
   */
  unlockPin(cashierId: string): boolean {
    const w = this.pinState(cashierId);
    const had = w.count > 0 || w.lockedUntil > this.clock.now();
    w.count = 0;
    w.lockedUntil = 0;
    if (w.stored) {
      this.db.write(() => this.q.pinDelete.run({ id: cashierId }));
      w.stored = false;
    }
    return had;
  }

  /** The codes locked now, and the codes with wrong PINs counting towards a lock. */
  pinFailures(): { cashierId: string; count: number; lockedUntil: number }[] {
    const now = this.clock.now();
    const rows = this.db.d.select({ cashierId: cashierPinFailures.cashierId }).from(cashierPinFailures).all();
    const ids = new Set([...rows.map((r) => r.cashierId), ...this.wrongPins.keys()]);
    return [...ids]
      .map((id) => {
        const w = this.pinState(id);
        const ranOut = w.lockedUntil > 0 && w.lockedUntil <= now;
        return { cashierId: id, count: ranOut ? 0 : w.count, lockedUntil: ranOut ? 0 : w.lockedUntil };
      })
      .filter((r) => r.count > 0 || r.lockedUntil > 0)
      .sort((a, b) => a.cashierId.localeCompare(b.cashierId));
  }

  /** The code's PIN state: cached, else as stored (a lock from before a restart included). */
  private pinState(cashierId: string): PinState {
    let w = this.wrongPins.get(cashierId);
    if (!w) {
      const r = this.q.pinGet.get({ id: cashierId });
      w = { count: r?.count ?? 0, pending: 0, lockedUntil: r?.lockedUntilMs ?? 0, stored: r !== undefined };
      this.wrongPins.set(cashierId, w);
    }
    return w;
  }

  /** Writes the code's count and lock in a durable transaction of its own. */
  private savePins(cashierId: string, w: PinState, at: number): void {
    this.db.write(() =>
      this.q.pinPut.run({
        id: cashierId,
        count: w.count,
        lockedUntil: w.lockedUntil,
        at: new Date(at).toISOString(),
      }),
    );
    w.stored = true;
  }
}
