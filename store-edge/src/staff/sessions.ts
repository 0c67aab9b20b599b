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
// The PIN lockout (guardPin) is pin-lockout.ts, held here for its callers.
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { laneSessions } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import { LOCK_MS, PinLockout } from "./pin-lockout.ts";

/** The idle time after which a session expires unless configured: a long shift with breaks. */
export const DEFAULT_SESSION_IDLE_MS = 12 * 3600_000;
/** How stale the stored last use may be (the in-memory one is exact). */
const TOUCH_EVERY_MS = 60_000;
/** Ended sessions are kept this long to say why they ended, then deleted at a sign-in. */
const KEEP_ENDED_MS = 7 * 24 * 3600_000;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export { LOCK_MS, MAX_WRONG_PINS } from "./pin-lockout.ts";

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
  /** Wrong PINs in a row per cashier code and the code's lock (pin-lockout.ts). */
  private readonly pins: PinLockout;
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
    this.pins = new PinLockout(db, clock, pinLockMs);
    this.q = {
      byHash: d
        .select()
        .from(laneSessions)
        .where(eq(laneSessions.tokenHash, p("hash")))
        .prepare(),
      touch: d
        .update(laneSessions)
        // A placeholder in .set() goes through sql`` (set takes values or SQL, not placeholders).
        .set({ lastUsedAt: sql`${p("at")}` })
        .where(eq(laneSessions.tokenHash, p("hash")))
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
    // Ended sessions (by their end) and abandoned ones (by their last use) older than a week.
    const keepAfter = new Date(ms - KEEP_ENDED_MS).toISOString();
    this.db.d
      .delete(laneSessions)
      .where(
        or(
          lt(laneSessions.endedAt, keepAfter),
          and(isNull(laneSessions.endedAt), lt(laneSessions.lastUsedAt, keepAfter)),
        ),
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

  /** The PIN lockout of cashier codes (pin-lockout.ts; the sessions hold it for their callers). */
  guardPin<T>(cashierId: string, fn: () => Promise<T>): Promise<T> {
    return this.pins.guardPin(cashierId, fn);
  }
  pinLockedUntil(cashierId: string): number {
    return this.pins.pinLockedUntil(cashierId);
  }
  unlockPin(cashierId: string): boolean {
    return this.pins.unlockPin(cashierId);
  }
  pinFailures(): { cashierId: string; count: number; lockedUntil: number }[] {
    return this.pins.pinFailures();
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
