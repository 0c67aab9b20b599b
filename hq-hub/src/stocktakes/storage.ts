// Stocktake rows: a session and its counted lines. recordSubmitted runs inside ingest's
// transaction for the stocktake.submitted event (ingest/ledger.ts), so a store's counts are
// recorded exactly once with the event, or the event is dead-lettered alone naming the field.
import type { Payload } from "@retail/protocol";
import { eq } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { stocktakeLines, stocktakeSessions } from "../db/schema.ts";
import { ValidationError } from "../errors.ts";
import { stocktakeLifecycle } from "./lifecycle.ts";

export type SessionRow = typeof stocktakeSessions.$inferSelect;

export function sessionRow(db: Sqlite, id: string): SessionRow | undefined {
  return openDrizzle(db).select().from(stocktakeSessions).where(eq(stocktakeSessions.id, id)).get();
}

/** A store's finished count: the session moves to submitted (or stays cancelled), its lines are kept. */
export function recordSubmitted(
  db: Sqlite,
  storeId: string,
  eventId: string,
  p: Payload<"stocktake.submitted">,
): void {
  const orm = openDrizzle(db);
  const s = sessionRow(db, p.sessionId);
  if (s && s.storeId !== storeId)
    throw new ValidationError(
      "payload.sessionId",
      `stocktake ${p.sessionId} is not a session of store ${storeId}`,
    );
  if (s?.eventId)
    throw new ValidationError(
      "payload.sessionId",
      `stocktake ${p.sessionId} was already submitted (event ${s.eventId})`,
    );
  if (!s && p.origin === "hq")
    throw new ValidationError("payload.sessionId", `stocktake ${p.sessionId} was not opened by HQ`);
  const seen = new Set<string>();
  const cycle = s?.kind === "cycle" ? new Set<string>(JSON.parse(s.skusJson)) : undefined;
  p.lines.forEach((l, i) => {
    if (seen.has(l.sku)) throw new ValidationError(`payload.lines.${i}.sku`, `${l.sku} counted twice`);
    seen.add(l.sku);
    if (cycle && !cycle.has(l.sku))
      throw new ValidationError(`payload.lines.${i}.sku`, `${l.sku} is not in cycle count ${p.sessionId}`);
  });
  const submitted = {
    submittedBy: p.submittedBy,
    submittedAt: p.submittedAt,
    eventId,
  };
  if (s) {
    const status = stocktakeLifecycle.apply(s.id, s.status, "submit");
    orm
      .update(stocktakeSessions)
      .set({ status, ...submitted })
      .where(eq(stocktakeSessions.id, s.id))
      .run();
  } else
    orm
      .insert(stocktakeSessions)
      .values({
        id: p.sessionId,
        storeId,
        kind: p.kind,
        status: "submitted",
        origin: "store",
        skusJson: "[]",
        recountOver: p.recountOver,
        openedBy: p.openedBy,
        openedAt: p.openedAt,
        ...submitted,
      })
      .run();
  for (const l of p.lines)
    orm
      .insert(stocktakeLines)
      .values({
        sessionId: p.sessionId,
        sku: l.sku,
        expected: l.expected,
        counted: l.counted,
        recounted: l.recounted ? 1 : 0,
        countersJson: JSON.stringify(l.counters),
        lotsJson: l.lots ? JSON.stringify(l.lots) : null,
      })
      .run();
}
