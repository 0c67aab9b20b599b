// The chain's scheduled expiry markdown run (markdown-schedule.ts has the rule): the schedule HQ
// sets, each day's run recorded (started, then finished with its change set), and the check the
// hub's timer calls every minute with its clock. The run is the same as the console's "run now"
// (batches.ts runMarkdowns: a change set released to the pilot stores); each scheduled run is
// written to the audit log as done by `markdown-schedule`.
import { desc, eq } from "drizzle-orm";
import type { WriteRecord } from "../audit/log.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { markdownRuns, markdownSchedule } from "../db/schema.ts";
import {
  atMinuteOf,
  atTextOf,
  dueMarkdownDay,
  type MarkdownSchedule,
  type MarkdownScheduleInput,
} from "./markdown-schedule.ts";

export const MARKDOWN_ACTOR = "markdown-schedule";

export interface MarkdownRunDeps {
  db: Sqlite;
  now: () => Date;
  run: (actor: string) => Promise<{ changesetId: number | null; state: string | null; markdowns: unknown[] }>;
  audit: (w: WriteRecord) => void;
}

export function createMarkdownRuns(deps: MarkdownRunDeps) {
  const { db, now, run, audit } = deps;
  const orm = openDrizzle(db);
  let running = false;

  function schedule(): (MarkdownSchedule & { at: string; updatedBy: string; updatedAt: string }) | null {
    const r = orm.select().from(markdownSchedule).where(eq(markdownSchedule.id, 1)).get();
    return r
      ? {
          enabled: r.enabled === 1,
          atMinute: r.atMinute,
          at: atTextOf(r.atMinute),
          updatedBy: r.updatedBy,
          updatedAt: r.updatedAt,
        }
      : null;
  }

  function setSchedule(actor: string, input: MarkdownScheduleInput) {
    const row = {
      id: 1,
      enabled: input.enabled ? 1 : 0,
      atMinute: atMinuteOf(input.at),
      updatedBy: actor,
      updatedAt: now().toISOString(),
    };
    orm
      .insert(markdownSchedule)
      .values(row)
      .onConflictDoUpdate({ target: markdownSchedule.id, set: row })
      .run();
    return schedule()!;
  }

  function runs(limit = 30) {
    return orm.select().from(markdownRuns).orderBy(desc(markdownRuns.day)).limit(limit).all();
  }

  /** Runs today's markdowns when the slot is due (the hub's minute timer); the run, or null. */
  async function runDue() {
    if (running) return null;
    const at = now();
    const finished = new Set(
      orm
        .select({ day: markdownRuns.day, finishedAt: markdownRuns.finishedAt })
        .from(markdownRuns)
        .orderBy(desc(markdownRuns.day))
        .limit(3)
        .all()
        .filter((r) => r.finishedAt !== null)
        .map((r) => r.day),
    );
    const day = dueMarkdownDay(schedule() ?? undefined, finished, at);
    if (!day) return null;
    running = true;
    try {
      const startedAt = at.toISOString();
      orm
        .insert(markdownRuns)
        .values({ day, startedAt })
        .onConflictDoUpdate({ target: markdownRuns.day, set: { startedAt, error: null } })
        .run();
      const record = (status: number, after: unknown, error?: string) =>
        audit({
          actor: MARKDOWN_ACTOR,
          role: "system",
          method: "POST",
          route: "/api/v1/batches/markdowns/run",
          tag: "batches",
          summary: `Scheduled expiry markdown run of ${day}`,
          path: "/api/v1/batches/markdowns/run",
          status,
          ...(error ? { error } : {}),
          request: { day, schedule: atTextOf(schedule()!.atMinute) },
          after,
        });
      try {
        const r = await run(MARKDOWN_ACTOR);
        orm
          .update(markdownRuns)
          .set({ finishedAt: now().toISOString(), changesetId: r.changesetId, markdowns: r.markdowns.length })
          .where(eq(markdownRuns.day, day))
          .run();
        record(200, { changesetId: r.changesetId, state: r.state, markdowns: r.markdowns.length });
        return { day, ...r };
      } catch (e) {
        // Left unfinished: the next check runs it again (the run repeats nothing it made).
        const message = (e as Error).message;
        orm.update(markdownRuns).set({ error: message }).where(eq(markdownRuns.day, day)).run();
        record(500, null, message);
        throw e;
      }
    } finally {
      running = false;
    }
  }

  return { schedule, setSchedule, runs, runDue };
}

export type MarkdownRuns = ReturnType<typeof createMarkdownRuns>;
