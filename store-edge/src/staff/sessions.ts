// Cashier sessions of the store LAN API. The store's Wi-Fi/LAN is not trusted (customers' phones,
// a rogue device), so driving a lane over HTTP or its WebSocket needs the bearer token its
// cashier got by signing in on that lane (POST /lanes/:lane/login):
//
// - the token is 32 random bytes (256 bits, base64url); the edge stores only its SHA-256, with
//   the lane and cashier it is bound to (table lane_sessions, migration 0005), so a copy of
//   edge.db cannot be replayed against the API, and tokens survive an edge restart;
// - one session per lane: a new sign-in on the lane ends the one before, as do sign-out, the
//   shift's close, the cashier being deactivated at HQ, and `idleMs` without use (default 12 h);
// - ended rows are kept a week, so a terminal is told why its session ended.
//
// Checking a token costs a hash and a map look-up (sessions are cached after the first read);
// its last use is written to the database at most once a minute (not durable: a power cut can
// only make a session look up to that much older), so a scan pays no extra write.
//
// The PIN lockout (guardPin) is kept in the database too (cashier_pin_failures, migration
// 0006), so pulling the plug of the store's mini-PC does not clear it.
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { cashierPinFailures, laneSessions } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import { EdgeError } from "../errors.ts";

/** The idle time after which a session expires unless configured: a long shift with breaks. */
export const DEFAULT_SESSION_IDLE_MS = 12 * 3600_000;
/** How stale the stored last use may be (the in-memory one is exact). */
const TOUCH_EVERY_MS = 60_000;
/** Ended sessions are kept this long to say why they ended, then deleted at a sign-in. */
const KEEP_ENDED_MS = 7 * 24 * 3600_000;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
/** Wrong PINs in a row for one cashier code before the code is locked for LOCK_MS. */
export const MAX_WRONG_PINS = 5;
/** How long a code stays locked unless configured (store-edge.json sessions.pinLockSeconds). */
export const LOCK_MS = 5 * 60_000;

export type SessionEnd = "logout" | "shift_close" | "new_login" | "expired" | "cashier_inactive";

/** Why a request was refused (the `reason` of the 401 answer). */
export type SessionProblem =
  | "missing"
  | "malformed"
  | "unknown"
  | "ended"
  | "expired"
  | "wrong_lane"
  | "cashier_inactive";

/**
 * A request without a valid session for its lane: HTTP 401, answered like the other errors as
 * `{error: "unauthorized", field, message}` plus `reason` (SessionProblem).
 */
export class SessionError extends Error {
  override readonly name = "SessionError";
  readonly code = "unauthorized";
  readonly status = 401;
  constructor(
    readonly reason: SessionProblem,
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface LaneSession {
  lane: string;
  cashierId: string;
}

/** A cashier code's PIN checks: the stored count and lock, plus the checks in flight (memory). */
interface PinState {
  count: number;
  pending: number;
  /** Epoch ms on the store's clock; 0 = not locked. */
  lockedUntil: number;
  /** Whether cashier_pin_failures has a row for the code. */
  stored: boolean;
}

interface Row extends LaneSession {
  hash: string;
  lastUsedMs: number;
  savedLastUsedMs: number;
  endedBy?: SessionEnd;
}

const ENDED_WORDS: Record<SessionEnd, string> = {
  logout: "the cashier signed out",
  shift_close: "the shift was closed",
  new_login: "someone signed in on this lane since",
  expired: "it was not used for too long",
  cashier_inactive: "the cashier is no longer active",
};

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The token of an `Authorization: Bearer <token>` header (undefined when there is none). */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : "";
}

export class LaneSessions {
  private readonly cache = new Map<string, Row>();
  /**
   * Wrong PINs in a row per cashier code and until when the code is locked: a write-through
   * cache of cashier_pin_failures (read on a code's first check), plus the checks in flight.
   */
  private readonly wrongPins = new Map<string, PinState>();
  private readonly endedListeners = new Set<(s: LaneSession & { hash: string; by: SessionEnd }) => void>();
  private readonly q;

  constructor(
    private readonly db: EdgeDb,
    private readonly clock: Clock,
    readonly idleMs: number = DEFAULT_SESSION_IDLE_MS,
    /** Whether a cashier may still use the lane (HQ can deactivate one mid-shift). */
    private readonly isActive: (cashierId: string) => boolean = () => true,
    /** How long MAX_WRONG_PINS wrong PINs in a row lock a cashier code. */
    readonly pinLockMs: number = LOCK_MS,
  ) {
    const d = db.d;
    const p = sql.placeholder;
    this.q = {
      byHash: d
        .select()
        .from(laneSessions)
        .where(eq(laneSessions.tokenHash, p("hash")))
        .prepare(),
      touch: d
        .update(laneSessions)
        .set({ lastUsedAt: sql`${p("at")}` })
        .where(eq(laneSessions.tokenHash, p("hash")))
        .prepare(),
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

  /** Called with every session that ends (the server closes its sockets). */
  onEnded(fn: (s: LaneSession & { hash: string; by: SessionEnd }) => void): () => void {
    this.endedListeners.add(fn);
    return () => this.endedListeners.delete(fn);
  }

  /**
   * A new session for the cashier on the lane, ending the lane's session before it. Run inside
   * the sign-in's transaction (`db.write`); `committed` applies it to the cache afterwards.
   */
  startTx(lane: string, cashierId: string): { token: string; committed: () => void } {
    const token = randomBytes(32).toString("base64url");
    const hash = hashToken(token);
    const ms = this.clock.now();
    const iso = new Date(ms).toISOString();
    const ended = this.endLaneTx(lane, "new_login");
    this.db.d
      .delete(laneSessions)
      .where(
        sql`coalesce(${laneSessions.endedAt}, ${laneSessions.lastUsedAt}) < ${new Date(ms - KEEP_ENDED_MS).toISOString()}`,
      )
      .run();
    this.db.d
      .insert(laneSessions)
      .values({ tokenHash: hash, lane, cashierId, createdAt: iso, lastUsedAt: iso })
      .run();
    return {
      token,
      committed: () => {
        ended.committed();
        this.cache.set(hash, { hash, lane, cashierId, lastUsedMs: ms, savedLastUsedMs: ms });
      },
    };
  }

  /**
   * Ends the lane's open session(s) `by` the given cause. Run inside the transaction that makes
   * the change (sign-out, shift close); `committed` updates the cache and tells the listeners.
   */
  endLaneTx(lane: string, by: SessionEnd): { committed: () => void } {
    const iso = new Date(this.clock.now()).toISOString();
    const open = this.db.d
      .select({ hash: laneSessions.tokenHash, cashierId: laneSessions.cashierId })
      .from(laneSessions)
      .where(and(eq(laneSessions.lane, lane), isNull(laneSessions.endedAt)))
      .all();
    if (open.length)
      this.db.d
        .update(laneSessions)
        .set({ endedAt: iso, endedBy: by })
        .where(and(eq(laneSessions.lane, lane), isNull(laneSessions.endedAt)))
        .run();
    return {
      committed: () =>
        this.ended(
          open.map((o) => ({ ...o, lane })),
          by,
        ),
    };
  }

  /** Ends the lane's session now, in its own transaction. */
  endLane(lane: string, by: SessionEnd): void {
    this.db.write(() => this.endLaneTx(lane, by)).committed();
  }

  private ended(rows: (LaneSession & { hash: string })[], by: SessionEnd): void {
    for (const r of rows) {
      const cached = this.cache.get(r.hash);
      if (cached) cached.endedBy = by;
      for (const l of this.endedListeners) {
        try {
          l({ ...r, by });
        } catch {
          // a listener's failure is its own
        }
      }
    }
  }

  private row(hash: string): Row | undefined {
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const r = this.q.byHash.get({ hash });
    if (!r) return undefined;
    const last = Date.parse(r.lastUsedAt);
    const row: Row = {
      hash,
      lane: r.lane,
      cashierId: r.cashierId,
      lastUsedMs: last,
      savedLastUsedMs: last,
      ...(r.endedBy ? { endedBy: r.endedBy as SessionEnd } : {}),
    };
    this.cache.set(hash, row);
    return row;
  }

  /**
   * The session a request's token opens on `lane` (undefined lane: any lane's session, for the
   * store-level reads), counted as a use. Throws SessionError saying what is wrong.
   */
  check(token: string | undefined, lane?: string): LaneSession & { hash: string } {
    if (token === undefined)
      throw new SessionError(
        "missing",
        "authorization",
        `no session token: sign in on the lane (POST /api/v1/lanes/${lane ?? ":lane"}/login) and send Authorization: Bearer <token>`,
      );
    if (!TOKEN_RE.test(token))
      throw new SessionError(
        "malformed",
        "authorization",
        "expected Authorization: Bearer <token from the sign-in>",
      );
    return this.checkHash(hashToken(token), lane, true);
  }

  /** As `check`, by the token's hash (the WebSocket keeps the hash, not the token). */
  checkHash(hash: string, lane: string | undefined, touch: boolean): LaneSession & { hash: string } {
    const row = this.row(hash);
    if (!row) throw new SessionError("unknown", "token", "no such session: sign in again");
    if (row.endedBy === "expired") throw this.expiredError();
    if (row.endedBy)
      throw new SessionError(
        "ended",
        "token",
        `the session ended: ${ENDED_WORDS[row.endedBy]}: sign in again`,
      );
    const now = this.clock.now();
    if (now - row.lastUsedMs > this.idleMs) {
      this.endOne(row, "expired");
      throw this.expiredError();
    }
    if (!this.isActive(row.cashierId)) {
      this.endOne(row, "cashier_inactive");
      throw new SessionError("cashier_inactive", "token", `cashier ${row.cashierId} is no longer active`);
    }
    if (lane !== undefined && row.lane !== lane)
      throw new SessionError("wrong_lane", "lane", `this session is for lane ${row.lane}, not lane ${lane}`);
    if (touch) this.touch(row, now);
    return { hash, lane: row.lane, cashierId: row.cashierId };
  }

  private expiredError(): SessionError {
    const h = Math.round((this.idleMs / 3600_000) * 10) / 10;
    return new SessionError(
      "expired",
      "token",
      `the session expired after ${h} h without use: sign in again`,
    );
  }

  private endOne(row: Row, by: SessionEnd): void {
    const iso = new Date(this.clock.now()).toISOString();
    this.db.write(() =>
      this.db.d
        .update(laneSessions)
        .set({ endedAt: iso, endedBy: by })
        .where(and(eq(laneSessions.tokenHash, row.hash), isNull(laneSessions.endedAt)))
        .run(),
    );
    this.ended([row], by);
  }

  private touch(row: Row, now: number): void {
    row.lastUsedMs = now;
    if (now - row.savedLastUsedMs < TOUCH_EVERY_MS) return;
    row.savedLastUsedMs = now;
    // Not durable on its own: the next durable commit (a tender, a sale) takes it along.
    this.db.writeVolatile(() => this.q.touch.run({ hash: row.hash, at: new Date(now).toISOString() }));
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

  /** Ends the cached sessions that have been idle too long (their sockets get closed). */
  sweep(): void {
    const now = this.clock.now();
    for (const row of this.cache.values()) {
      if (row.endedBy) {
        this.cache.delete(row.hash);
        continue;
      }
      if (now - row.lastUsedMs > this.idleMs) this.endOne(row, "expired");
    }
  }
}
