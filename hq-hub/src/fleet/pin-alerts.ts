// Till PIN abuse on the fleet screen: a store's audit events of a cashier code locked by wrong
// PINs (pin_locked) or a LAN address refused for sending too many (pin_source_throttled), as
// the edge's staff/verify-pin.ts reports them, open (or bump) the store's `till_pin_abuse`
// alert. The hub looks at the audits written since it last looked after every ingest commit
// (one range read over the rowid), starting from the newest audit when it starts.
import { asc, gt, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { audits } from "../db/schema.ts";
import type { createFleetAlerts } from "./alerts.ts";

const ACTIONS = new Set(["pin_locked", "pin_source_throttled"]);
const BATCH = 5000;

export function createPinAlerts(deps: { db: Sqlite; alerts: ReturnType<typeof createFleetAlerts> }) {
  const { db, alerts } = deps;
  const orm = openDrizzle(db);
  // audits' arrival order is its implicit rowid, which schema.ts does not declare (a composite
  // primary key table): named here as SQL.
  const rowid = sql<number>`${audits}.rowid`;
  const newest = orm.select({ n: sql<number>`coalesce(max(${rowid}), 0)` }).from(audits);
  const since = orm
    .select({
      r: rowid,
      store_id: audits.storeId,
      action: audits.action,
      lane_id: audits.laneId,
      cashier_id: audits.cashierId,
      detail: audits.detail,
      at: audits.at,
    })
    .from(audits)
    .where(gt(rowid, sql.placeholder("cursor")))
    .orderBy(asc(rowid))
    .limit(sql.placeholder("limit"))
    .prepare();
  let cursor = newest.get()?.n ?? 0;

  /** Raises the alerts of the PIN audits ingested since the last call; answers how many. */
  function sweep(): number {
    let raised = 0;
    for (;;) {
      const rows = since.all({ cursor, limit: BATCH });
      for (const a of rows) {
        cursor = a.r;
        if (!ACTIONS.has(a.action)) continue;
        raised++;
        alerts.raise("till_pin_abuse", a.store_id, "", (prev) => ({
          locks: ((prev?.locks as number | undefined) ?? 0) + (a.action === "pin_locked" ? 1 : 0),
          throttles:
            ((prev?.throttles as number | undefined) ?? 0) + (a.action === "pin_source_throttled" ? 1 : 0),
          lastAction: a.action,
          lastLane: a.lane_id,
          lastCode: a.cashier_id,
          lastDetail: a.detail,
          lastAt: a.at,
        }));
      }
      if (rows.length < BATCH) return raised;
    }
  }

  return { sweep };
}
