// The members module as the hub wires it: profile reads, the scheduled runs (tiers, RFM),
// segments, campaigns, consents and PIPL requests, the history import.
import type { Catalog } from "../catalog/catalog.ts";
import type { Coupons } from "../coupons/coupons.ts";
import type { Sqlite } from "../db/open.ts";
import { createCampaigns } from "./campaigns.ts";
import { createConsents } from "./consent.ts";
import { type HistoryInput, importHistory } from "./history.ts";
import { createMemberReads } from "./members.ts";
import { createPointsRules } from "./points-service.ts";
import { createScoring } from "./scoring.ts";
import { createSegments } from "./segments.ts";

export function createMembers(deps: { db: Sqlite; now: () => Date; catalog: Catalog; coupons: Coupons }) {
  const { db, now } = deps;
  const segments = createSegments(db, now);
  const scoring = createScoring(db);
  return {
    reads: createMemberReads(db),
    scoring,
    /** The daily run, now, whatever the last one was (tiers, then RFM). */
    runNow: () => scoring.runScheduled(now(), true)!,
    segments,
    campaigns: createCampaigns({ db, now, coupons: deps.coupons, segments }),
    consents: createConsents({ db, now, catalog: deps.catalog }),
    importHistory: (input: HistoryInput) => importHistory(db, now(), input),
    points: createPointsRules({ db, catalog: deps.catalog }),
  };
}

export type Members = ReturnType<typeof createMembers>;
