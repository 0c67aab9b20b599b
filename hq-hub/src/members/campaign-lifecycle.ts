// A campaign's status as a declared lifecycle: the clock starts and ends it (at startsAt and
// endsAt), a person may cancel it while planned or running (its unused coupons are voided at
// every store). The status at a time is the fold, through the table, of the events that happened
// by then in time order; an event the table refuses in the state reached (the window's end after a
// cancel) changes nothing.
import { defineLifecycle } from "../lifecycle.ts";

export type CampaignStatus = "planned" | "running" | "finished" | "cancelled";
export type CampaignEvent = "start" | "end" | "cancel";

export const campaignLifecycle = defineLifecycle<CampaignStatus, CampaignEvent>("campaign", {
  planned: { start: "running", cancel: "cancelled" },
  running: { end: "finished", cancel: "cancelled" },
  finished: {},
  cancelled: {},
});

export interface CampaignTimeline {
  startsAt: string;
  endsAt: string;
  cancelledAt?: string | null;
}

/** A campaign's status at `now` (pure). */
export function campaignStatus(c: CampaignTimeline, now: Date): CampaignStatus {
  const t = now.getTime();
  const events: [number, CampaignEvent][] = [
    [Date.parse(c.startsAt), "start"],
    [Date.parse(c.endsAt), "end"],
  ];
  // A cancel recorded at the same instant as the start or the end happened first (it was asked
  // for while the campaign was still in the earlier state).
  if (c.cancelledAt) events.unshift([Date.parse(c.cancelledAt), "cancel"]);
  events.sort((a, b) => a[0] - b[0]);
  let s: CampaignStatus = "planned";
  for (const [at, e] of events)
    if (at <= t && campaignLifecycle.allows(s, e)) s = campaignLifecycle.apply("", s, e);
  return s;
}

/** The end of the campaign's measured window: its end, or when it was cancelled if earlier. */
export function campaignWindowEnd(c: CampaignTimeline): string {
  return c.cancelledAt && c.cancelledAt < c.endsAt ? c.cancelledAt : c.endsAt;
}
