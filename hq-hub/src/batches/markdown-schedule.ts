// When the chain's expiry markdowns run by themselves (issue 17 item 5, "markdowns on a
// schedule"), pure: once a day at a time of day (China time) HQ sets. A day's run is due from its
// slot until the end of that China day, so a hub that was down at the slot runs it when it comes
// back the same day; a day whose run finished is not due again (the record is kept in the
// database, so a restart does not run it twice). A run that started but never finished (the hub
// stopped half way) is due again: the run itself only makes markdowns that are new or deeper
// (markdown.ts), so running it again repeats nothing.
import { z } from "zod";

const CHINA_MS = 8 * 3_600_000;

export const MarkdownScheduleInput = z.strictObject({
  enabled: z.boolean(),
  /** "HH:MM", China time. */
  at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "at: a time of day HH:MM (00:00-23:59)"),
});
export type MarkdownScheduleInput = z.infer<typeof MarkdownScheduleInput>;

export interface MarkdownSchedule {
  enabled: boolean;
  /** Minutes after midnight, China time. */
  atMinute: number;
}

export const atMinuteOf = (at: string) => Number(at.slice(0, 2)) * 60 + Number(at.slice(3, 5));
export const atTextOf = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/** The China day of an instant. */
export const chinaDayOf = (d: Date) => new Date(d.getTime() + CHINA_MS).toISOString().slice(0, 10);

/** The instant of a China day's slot. */
export function slotOf(day: string, atMinute: number): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - CHINA_MS + atMinute * 60_000);
}

/**
 * The China day whose run is due at `now`, or null: the schedule is on, today's slot has come,
 * and today's run has not finished (`finishedDays`: the days with a finished run).
 */
export function dueMarkdownDay(
  schedule: MarkdownSchedule | undefined,
  finishedDays: ReadonlySet<string>,
  now: Date,
): string | null {
  if (!schedule?.enabled) return null;
  const today = chinaDayOf(now);
  if (finishedDays.has(today)) return null;
  return slotOf(today, schedule.atMinute).getTime() <= now.getTime() ? today : null;
}
