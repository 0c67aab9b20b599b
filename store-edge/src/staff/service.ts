// People at the till: the cashier's sign-in and sign-out (and the lane's session that goes with
// them), a supervisor's code and PIN through the one PIN path (verify-pin.ts), the unlock of a
// locked code, training mode, and the audit events HQ hears of supervised actions.
import { type Cashier, type LaneView, type Payload, uuidv7 } from "@retail/protocol";
import { conflict, notFound } from "../errors.ts";
import { type Lanes, laneLocked } from "../lanes/lanes.ts";
import { shiftTransition } from "../shift/lifecycle.ts";
import { DEFAULT_SESSION_IDLE_MS, LaneSessions, LOCK_MS } from "./sessions.ts";
import { type PinPurpose, PinVerifier, type SourceLimits } from "./verify-pin.ts";

/** What a sign-in answers: the lane view and the session's bearer token (shown only here). */
export type SignedIn = LaneView & { session: { token: string; idleSeconds: number } };

export interface Supervisor {
  id: string;
  pin: string;
}

export interface StaffOptions {
  /** A cashier's LAN session ends after this long without use (default 12 h). */
  sessionIdleMs?: number | undefined;
  /** How long 5 wrong PINs in a row lock a cashier code (default LOCK_MS, 5 min). */
  pinLockMs?: number | undefined;
  /** Per-source PIN limits (staff/verify-pin.ts; defaults DEFAULT_SOURCE_LIMITS). */
  pinSourceLimits?: Partial<SourceLimits> | undefined;
  log?: ((msg: string) => void) | undefined;
}

export class Staff {
  /** Cashier sessions of the LAN API: who may drive which lane (sessions.ts). */
  readonly sessions: LaneSessions;
  /** Every PIN the till accepts is checked here (verify-pin.ts). */
  readonly pins: PinVerifier;
  private readonly sweepTimer: ReturnType<typeof setInterval>;

  constructor(
    private readonly lanes: Lanes,
    o: StaffOptions,
  ) {
    const d = lanes.d;
    this.sessions = new LaneSessions(
      d.db,
      d.clock,
      o.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
      (id) => lanes.lookup.cashiers.get(id)?.status === "active",
      o.pinLockMs ?? LOCK_MS,
    );
    this.pins = new PinVerifier({
      db: d.db,
      sessions: this.sessions,
      cashier: (id) => lanes.lookup.cashiers.get(id),
      noCashiers: () => lanes.lookup.cashiers.size === 0,
      clock: d.clock,
      audit: (a) => this.audit(a),
      log: o.log ?? (() => {}),
      ...(o.pinSourceLimits ? { limits: o.pinSourceLimits } : {}),
    });
    // Idle sessions are ended (and their lane sockets closed) even when nobody calls.
    this.sweepTimer = setInterval(() => this.sessions.sweep(), 30_000);
    this.sweepTimer.unref?.();
  }

  /** A supervisor's code and PIN, through the one PIN path (durable lockout, source limit). */
  supervisor(laneId: string, s: Supervisor, purpose: PinPurpose): Promise<Cashier> {
    return this.pins.verifyPin({
      cashierId: s.id,
      pin: s.pin,
      need: "supervisor",
      field: "supervisorId",
      purpose,
      lane: laneId,
    });
  }

  /** An audit event to HQ in a transaction of its own. */
  audit(a: {
    action: Payload<"audit.recorded">["action"];
    laneId: string;
    cashierId: string;
    supervisorId?: string;
    amount?: number;
    saleId?: string;
    detail: string;
  }): void {
    const { ms, iso } = this.lanes.now();
    const d = this.lanes.d;
    d.db.write(() =>
      d.outbox.append(
        "audit.recorded",
        { auditId: uuidv7(ms), ...a, detail: a.detail.slice(0, 200), at: iso },
        iso,
      ),
    );
    d.onLedger();
  }

  /** A supervisor or manager unlocks a cashier code locked by wrong PINs, at the till. */
  async unlockPin(
    laneId: string,
    cashierId: string,
    supervisor: Supervisor,
  ): Promise<{ cashierId: string; wasLocked: boolean }> {
    this.lanes.lane(laneId);
    if (!this.lanes.lookup.cashiers.has(cashierId)) throw notFound("cashierId", `no cashier ${cashierId}`);
    const by = await this.supervisor(laneId, supervisor, "unlock");
    return { cashierId, wasLocked: this.pins.unlockCode(cashierId, by, laneId) };
  }

  /**
   * Signs the cashier in on the lane and starts the lane's session (ending the one before it,
   * in the same transaction): the answer carries its bearer token, which is stored only hashed.
   */
  async login(laneId: string, cashierId: string, pin: string): Promise<SignedIn> {
    const locked = this.lanes.lane(laneId).record.locked;
    if (locked) throw laneLocked(laneId, locked);
    const c = await this.pins.verifyPin({
      cashierId,
      pin,
      need: "staff",
      field: "cashierId",
      purpose: "sign_in",
      lane: laneId,
    });
    const rt = this.lanes.lane(laneId);
    if (rt.record.cashierId && rt.record.cashierId !== c.id && rt.record.shiftId)
      throw conflict("cashierId", `cashier ${rt.record.cashierId} has an open shift on this lane`);
    shiftTransition(rt.record, "sign_in");
    const record = { ...rt.record, cashierId: c.id };
    const session = this.lanes.d.db.write(() => {
      this.lanes.writeRecord(rt.id, record);
      return this.sessions.startTx(rt.id, c.id);
    });
    rt.record = record;
    session.committed();
    const view = this.lanes.changed(rt);
    return {
      ...view,
      session: { token: session.token, idleSeconds: Math.round(this.sessions.idleMs / 1000) },
    };
  }

  /** Signs the cashier out; the lane's session ends with it. */
  logout(laneId: string): LaneView {
    const rt = this.lanes.lane(laneId);
    shiftTransition(rt.record, "sign_out");
    const { cashierId: _c, ...rest } = rt.record;
    const ended = this.lanes.d.db.write(() => {
      this.lanes.writeRecord(rt.id, rest);
      return this.sessions.endLaneTx(rt.id, "logout");
    });
    rt.record = rest;
    ended.committed();
    return this.lanes.changed(rt);
  }

  /** Training mode on or off, with a supervisor; only between sales, audited to HQ. */
  async setTraining(laneId: string, on: boolean, supervisorId: string, pin: string): Promise<LaneView> {
    await this.supervisor(laneId, { id: supervisorId, pin }, "training");
    const rt = this.lanes.lane(laneId);
    if (rt.cart.lines.length || rt.cart.tenders.length)
      throw conflict("cart", "finish or void the sale first");
    if (rt.record.training === on) return this.lanes.view(rt);
    const { iso } = this.lanes.now();
    const d = this.lanes.d;
    d.db.write(() => {
      d.outbox.append(
        "audit.recorded",
        {
          auditId: uuidv7(),
          action: on ? "training_on" : "training_off",
          laneId,
          cashierId: rt.record.cashierId ?? supervisorId,
          supervisorId,
          detail: on ? "training mode on" : "training mode off",
          at: iso,
        },
        iso,
      );
      this.lanes.writeRecord(laneId, { ...rt.record, training: on });
    });
    rt.record = { ...rt.record, training: on };
    d.onLedger();
    return this.lanes.changed(rt);
  }

  close(): void {
    clearInterval(this.sweepTimer);
  }
}
