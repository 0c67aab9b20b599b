// The edge's side of the connect handshake (protocol/src/resync.ts): the hello it sends before
// any event, and what it does with HQ's welcome. A restored backup or a fresh edge.db finds out
// here that HQ already holds seqs it was about to reuse: its new events move up above them (one
// transaction), it remembers what happened for the status screen, and only then does the link
// send events. Ids and content never change, so HQ still applies each event exactly once.
import { type EdgeHello, type EdgeWelcome, planResync, type ResyncPlan, uuidv7 } from "@retail/protocol";
import { businessDay } from "../clock.ts";
import type { EdgeDb } from "../db.ts";
import { rebaseDigestSeqs, yieldPastDays } from "../digest/day-digest.ts";
import type { Outbox } from "./outbox.ts";
import { raiseReceiptFloor } from "./receipt-floor.ts";

/** The most boots a hello lists (the schema's cap); a store restarted more often offline is unheard of. */
const MAX_BOOTS = 1000;

/** What the store is shown after HQ found this database behind or parted (edge status). */
export interface ResyncRecord {
  kind: ResyncPlan["kind"] | "replaced";
  at: string;
  instanceId: string;
  previousInstanceId?: string;
  /** Edge seqs from here on were new to HQ and moved up by `shift`. */
  newFrom: number;
  shift: number;
  moved: number;
  hqMaxSeq: number;
  hqHeadSeq: number;
}

export class ResyncError extends Error {
  override readonly name = "ResyncError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export class EdgeResync {
  constructor(
    private readonly db: EdgeDb,
    private readonly outbox: Outbox,
    private readonly now: () => number,
  ) {}

  get instanceId(): string {
    return this.outbox.instanceId;
  }

  /**
   * HQ has answered a hello of this database before: a hello left unanswered is then a lost
   * message or a hub restarting, never an older hub, so the events keep waiting for it.
   */
  get hqSpeaksHello(): boolean {
    return this.db.meta("hq_hello") === "1";
  }

  /** The last time HQ found this database behind, parted or new (undefined: never). */
  get last(): ResyncRecord | undefined {
    const raw = this.db.meta("last_resync");
    return raw ? (JSON.parse(raw) as ResyncRecord) : undefined;
  }

  hello(): EdgeHello {
    const ackedUpTo = this.outbox.ackedUpTo;
    const boots = this.outbox.bootsAbove(ackedUpTo, MAX_BOOTS + 1);
    // More runs than a hello lists: it speaks for the events before the first unlisted run
    // only, so that run and everything after it count as new (moved if HQ holds their seqs;
    // moving an event HQ has is harmless).
    const cut = boots.length > MAX_BOOTS ? boots[MAX_BOOTS]!.firstSeq - 1 : undefined;
    return {
      helloId: uuidv7(),
      instanceId: this.outbox.instanceId,
      lastSeq: cut ?? this.outbox.lastSeq,
      ackedUpTo,
      boots: boots.slice(0, MAX_BOOTS),
    };
  }

  /**
   * Applies HQ's answer to `hello`: re-bases what HQ cannot have, then takes HQ's head as an
   * ack (safe only after the re-base: every edge seq at or below it is then one HQ holds).
   */
  welcome(hello: EdgeHello, w: EdgeWelcome): { plan: ResyncPlan; record?: ResyncRecord } {
    if (w.helloId !== hello.helloId) throw new ResyncError("helloId", "answers another hello");
    if (w.instanceId !== hello.instanceId) throw new ResyncError("instanceId", "not this database's");
    if (w.boots.length !== hello.boots.length)
      throw new ResyncError("boots", `${w.boots.length} verdicts for ${hello.boots.length} boots`);
    const plan = planResync({
      ackedUpTo: hello.ackedUpTo,
      lastSeq: hello.lastSeq,
      boots: hello.boots.map((b, i) => ({ firstSeq: b.firstSeq, held: w.boots[i]! })),
      hqMaxSeq: w.maxSeq,
    });
    const replaced = w.previousInstanceId !== undefined && w.previousInstanceId !== hello.instanceId;
    return this.db.write(() => {
      const moved = this.outbox.rebase(plan.newFrom, plan.shift, plan.floor);
      // HQ holds `shift` events this copy never saw: today's receipt numbers start above them.
      raiseReceiptFloor(this.db, businessDay(this.now()), plan.shift);
      rebaseDigestSeqs(this.db, plan.newFrom, plan.shift);
      // Past days were digested by the instance that went on without this copy.
      if (plan.shift > 0) yieldPastDays(this.db, businessDay(this.now()));
      let record: ResyncRecord | undefined;
      if (plan.kind !== "in_step" || replaced) {
        record = {
          kind: plan.kind === "in_step" ? "replaced" : plan.kind,
          at: new Date(this.now()).toISOString(),
          instanceId: hello.instanceId,
          ...(w.previousInstanceId ? { previousInstanceId: w.previousInstanceId } : {}),
          newFrom: plan.newFrom,
          shift: plan.shift,
          moved,
          hqMaxSeq: w.maxSeq,
          hqHeadSeq: w.headSeq,
        };
        this.db.setMeta("last_resync", JSON.stringify(record));
      }
      this.outbox.acknowledge(w.headSeq);
      if (!this.hqSpeaksHello) this.db.setMeta("hq_hello", "1");
      return { plan, ...(record ? { record } : {}) };
    });
  }
}
