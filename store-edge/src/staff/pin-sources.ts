// The per-source PIN limit's state in edge.db (migration 0009), so a restart of the edge, or a
// crash an attacker provokes, does not give a LAN device a fresh start. Every wrong PIN of a
// source, and every throttle, is committed (synchronous=FULL) before the 403/429 is answered,
// like the per-code failures (cashier_pin_failures). Rows older than the window are deleted as
// the source sends more, and at start.
import { and, eq, gt, lte, sql } from "drizzle-orm";
import { pinSourceFailures, pinSourceThrottles } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";

/** A source's wrong PINs within the window and its throttles of the last 24 h, oldest first. */
export interface StoredSource {
  wrong: { at: number; code: string; locked: boolean }[];
  throttles: { at: number; until: number }[];
}

export const THROTTLE_MEMORY_MS = 24 * 3600_000;

export class PinSourceStore {
  private readonly q;

  constructor(
    private readonly db: EdgeDb,
    private readonly windowMs: number,
  ) {
    const d = db.d;
    const p = sql.placeholder;
    this.q = {
      wrong: d
        .select()
        .from(pinSourceFailures)
        .where(and(eq(pinSourceFailures.source, p("source")), gt(pinSourceFailures.atMs, p("since"))))
        .orderBy(pinSourceFailures.atMs)
        .prepare(),
      throttles: d
        .select()
        .from(pinSourceThrottles)
        .where(and(eq(pinSourceThrottles.source, p("source")), gt(pinSourceThrottles.atMs, p("since"))))
        .orderBy(pinSourceThrottles.atMs)
        .prepare(),
      addWrong: d
        .insert(pinSourceFailures)
        .values({ source: p("source"), atMs: p("at"), cashierId: p("code"), locked: p("locked") })
        .prepare(),
      pruneWrong: d
        .delete(pinSourceFailures)
        .where(and(eq(pinSourceFailures.source, p("source")), lte(pinSourceFailures.atMs, p("before"))))
        .prepare(),
      addThrottle: d
        .insert(pinSourceThrottles)
        .values({ source: p("source"), atMs: p("at"), untilMs: p("until") })
        .prepare(),
      pruneThrottles: d
        .delete(pinSourceThrottles)
        .where(and(eq(pinSourceThrottles.source, p("source")), lte(pinSourceThrottles.atMs, p("before"))))
        .prepare(),
    };
  }

  /** Deletes what no source needs any more (at start). */
  prune(now: number): void {
    this.db.writeVolatile(() => {
      this.db.d
        .delete(pinSourceFailures)
        .where(lte(pinSourceFailures.atMs, now - this.windowMs))
        .run();
      this.db.d
        .delete(pinSourceThrottles)
        .where(lte(pinSourceThrottles.atMs, now - THROTTLE_MEMORY_MS))
        .run();
    });
  }

  /** What is stored for a source (read the first time the process sees it). */
  load(source: string, now: number): StoredSource {
    return {
      wrong: this.q.wrong
        .all({ source, since: now - this.windowMs })
        .map((r) => ({ at: r.atMs, code: r.cashierId, locked: r.locked === 1 })),
      throttles: this.q.throttles
        .all({ source, since: now - THROTTLE_MEMORY_MS })
        .map((r) => ({ at: r.atMs, until: r.untilMs })),
    };
  }

  /**
   * One wrong PIN of a source, and the throttle it triggered if any, in one durable commit
   * (before the refusal is answered).
   */
  addWrong(
    source: string,
    w: { at: number; code: string; locked: boolean },
    throttle?: { until: number },
  ): void {
    this.db.write(() => {
      this.q.pruneWrong.run({ source, before: w.at - this.windowMs });
      this.q.addWrong.run({ source, at: w.at, code: w.code, locked: w.locked ? 1 : 0 });
      if (throttle) {
        this.q.pruneThrottles.run({ source, before: w.at - THROTTLE_MEMORY_MS });
        this.q.addThrottle.run({ source, at: w.at, until: throttle.until });
      }
    });
  }

  /** A supervisor unlocked the code: the wrong PINs that locked it no longer count as locks. */
  forgiveLock(code: string): void {
    this.db.write(() =>
      this.db.d
        .update(pinSourceFailures)
        .set({ locked: 0 })
        .where(and(eq(pinSourceFailures.cashierId, code), eq(pinSourceFailures.locked, 1)))
        .run(),
    );
  }

  /** A supervisor ended the source's throttle: its wrong PINs and throttles are forgotten. */
  clear(source: string): void {
    this.db.write(() => {
      this.db.d.delete(pinSourceFailures).where(eq(pinSourceFailures.source, source)).run();
      this.db.d.delete(pinSourceThrottles).where(eq(pinSourceThrottles.source, source)).run();
    });
  }
}
