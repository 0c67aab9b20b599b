// Stocktakes at HQ: open a session at a store (full or cycle count; sent down as
// stocktake.update), read sessions with their variances valued at average cost, approve (the
// differences posted as count_adjustment movements in HQ's ledger, which costing/ values at
// the average and finance/ posts as count gains / losses, and sent down to the store as one
// stock.movement), reject or cancel; and the alerts: negative book stock and big variances.
// Dated goods counted by lot move each lot by its own difference, in HQ's mirror of the store's
// lots and in the movement sent down, so both sides keep the counted lots (no loss left as a
// negative undated rest); a loss counted without lots (an older store) is drawn FEFO from HQ's
// mirror and sent down the same way.
import { randomUUID } from "node:crypto";
import { type CountedLot, type Payload, Sku, StocktakeKind } from "@retail/protocol";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Batches } from "../batches/batches.ts";
import type { Costing } from "../costing/costing.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  products,
  stockCounts,
  stockLedger,
  stockLevels,
  stocktakeLines,
  stocktakeSessions,
  stores,
} from "../db/schema.ts";
import { fromZod, NotFoundError, StateError, ValidationError } from "../errors.ts";
import { type StocktakeStatus, stocktakeLifecycle } from "./lifecycle.ts";
import { type SessionRow, sessionRow } from "./storage.ts";
import {
  alertsOf,
  countLotMoves,
  datedOf,
  type StocktakeAlertKind,
  type VarianceLine,
  varianceLines,
} from "./variance.ts";

export const OpenStocktakeInput = z
  .strictObject({
    storeId: z.string().regex(/^[A-Z0-9]{1,16}$/),
    kind: StocktakeKind,
    /** The SKUs of a cycle count (1..2000); none for a full count. */
    skus: z.array(Sku).max(2000).default([]),
    recountOver: z.int().nonnegative().max(1_000_000).default(2),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "cycle" && v.skus.length === 0)
      ctx.addIssue({ code: "custom", path: ["skus"], message: "a cycle count names its SKUs" });
    if (v.kind === "full" && v.skus.length > 0)
      ctx.addIssue({ code: "custom", path: ["skus"], message: "a full count counts every SKU; name none" });
  });

export const DecideInput = z.strictObject({ note: z.string().max(500).optional() });

export function createStocktakes(deps: {
  db: Sqlite;
  now: () => Date;
  costing: Pick<Costing, "positions">;
  /** HQ's mirror of the stores' lots (batches/). */
  lots: Pick<Batches, "drawForTransfer" | "applyLots" | "lotsOf">;
}) {
  const { db, now, costing, lots } = deps;
  const orm = openDrizzle(db);

  function load(id: string): SessionRow {
    const s = sessionRow(db, id);
    if (!s) throw new NotFoundError("stocktake", id);
    return s;
  }

  function linesOf(id: string) {
    return orm
      .select()
      .from(stocktakeLines)
      .where(eq(stocktakeLines.sessionId, id))
      .orderBy(asc(stocktakeLines.sku))
      .all()
      .map((l) => ({
        sku: l.sku,
        expected: l.expected,
        counted: l.counted,
        recounted: l.recounted === 1,
        counters: JSON.parse(l.countersJson) as string[],
        lots: l.lotsJson ? (JSON.parse(l.lotsJson) as CountedLot[]) : undefined,
      }));
  }

  function summary(s: SessionRow) {
    const c = orm
      .select({
        n: sql<number>`COUNT(*)`,
        differing: sql<number>`COALESCE(SUM(${stocktakeLines.counted} <> ${stocktakeLines.expected}), 0)`,
      })
      .from(stocktakeLines)
      .where(eq(stocktakeLines.sessionId, s.id))
      .get();
    return {
      id: s.id,
      storeId: s.storeId,
      kind: s.kind,
      status: s.status,
      origin: s.origin,
      skus: JSON.parse(s.skusJson),
      recountOver: s.recountOver,
      openedBy: s.openedBy,
      openedAt: s.openedAt,
      submittedBy: s.submittedBy,
      submittedAt: s.submittedAt,
      decidedBy: s.decidedBy,
      decidedAt: s.decidedAt,
      note: s.note,
      lineCount: c?.n ?? 0,
      differing: c?.differing ?? 0,
    };
  }

  function update(s: SessionRow, action: Payload<"stocktake.update">["action"], by: string, at: string) {
    return {
      sessionId: s.id,
      action,
      kind: s.kind,
      skus: JSON.parse(s.skusJson),
      recountOver: s.recountOver,
      by,
      at,
    } satisfies Payload<"stocktake.update">;
  }

  /** HQ opens a count at a store; at most one open (requested) session per store. */
  function open(input: unknown, actor: string) {
    const r = OpenStocktakeInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const v = r.data;
    if (!orm.select({ id: stores.id }).from(stores).where(eq(stores.id, v.storeId)).get())
      throw new NotFoundError("store", v.storeId);
    const seen = new Set<string>();
    const known = new Set(
      v.skus.length
        ? orm
            .select({ sku: products.sku })
            .from(products)
            .where(inArray(products.sku, v.skus))
            .all()
            .map((p) => p.sku)
        : [],
    );
    v.skus.forEach((sku, i) => {
      if (!known.has(sku)) throw new ValidationError(`skus.${i}`, `no product ${sku}`);
      if (seen.has(sku)) throw new ValidationError(`skus.${i}`, `${sku} listed twice`);
      seen.add(sku);
    });
    const at = now().toISOString();
    const id = `ST-${randomUUID()}`;
    const row = db.transaction(() => {
      const busy = orm
        .select({ id: stocktakeSessions.id })
        .from(stocktakeSessions)
        .where(and(eq(stocktakeSessions.storeId, v.storeId), eq(stocktakeSessions.status, "requested")))
        .get();
      if (busy)
        throw new StateError(busy.id, `store ${v.storeId} already has stocktake ${busy.id} open`, {
          sessionId: busy.id,
        });
      orm
        .insert(stocktakeSessions)
        .values({
          id,
          storeId: v.storeId,
          kind: v.kind,
          status: "requested",
          origin: "hq",
          skusJson: JSON.stringify(v.skus),
          recountOver: v.recountOver,
          openedBy: actor,
          openedAt: at,
        })
        .run();
      return load(id);
    })();
    return { session: summary(row), update: update(row, "open", actor, at) };
  }

  /** A decision's status change; the caller holds the transaction. */
  function decideIn(id: string, event: "approve" | "reject" | "cancel", actor: string, note?: string) {
    const at = now().toISOString();
    {
      const s = load(id);
      const status = stocktakeLifecycle.apply(id, s.status, event);
      orm
        .update(stocktakeSessions)
        .set({ status, decidedBy: actor, decidedAt: at, note: note ?? null })
        .where(eq(stocktakeSessions.id, id))
        .run();
      const after = load(id);
      const action = event === "approve" ? "approved" : event === "reject" ? "rejected" : "cancel";
      return { s: after, update: update(after, action, actor, at), at };
    }
  }

  /**
   * Approval: the differences become count_adjustment movements in HQ's ledger in the same
   * transaction as the status, and one stock.movement for the store (undefined when nothing differs).
   */
  function approve(id: string, actor: string, note?: string) {
    return db.transaction(() => {
      const d = decideIn(id, "approve", actor, note);
      const diffs = linesOf(id)
        .map((l) => ({
          sku: l.sku,
          qty: l.counted - l.expected,
          batches: countLotMoves(l, (qty) => lots.drawForTransfer(d.s.storeId, l.sku, qty)),
        }))
        .filter((l) => l.qty !== 0 || l.batches !== undefined);
      for (const l of diffs) {
        if (l.batches) lots.applyLots(d.s.storeId, [{ sku: l.sku, deltas: datedOf(l.batches) }], d.at);
        if (l.qty === 0) continue; // lots changed places, the total did not
        orm
          .insert(stockLedger)
          .values({
            storeId: d.s.storeId,
            sku: l.sku,
            qtyDelta: l.qty,
            kind: "count_adjustment",
            ref: id,
            at: d.at,
          })
          .run();
        orm
          .insert(stockLevels)
          .values({ storeId: d.s.storeId, sku: l.sku, onHand: l.qty })
          .onConflictDoUpdate({
            target: [stockLevels.storeId, stockLevels.sku],
            set: { onHand: sql`${stockLevels.onHand} + excluded.on_hand` },
          })
          .run();
      }
      // Recorded as one of the store's counts too, so the month's counts (finance's count
      // posting, the close step "counts posted") name it like a count made at the till.
      orm
        .insert(stockCounts)
        .values({
          storeId: d.s.storeId,
          countId: id,
          countedBy: d.s.submittedBy ?? actor,
          linesJson: JSON.stringify(
            linesOf(id).map((l) => ({ sku: l.sku, counted: l.counted, expected: l.expected })),
          ),
          countedAt: d.at,
        })
        .run();
      const movement: Payload<"stock.movement"> | undefined = diffs.length
        ? {
            movementId: `${id}-adj`,
            kind: "adjustment",
            reference: id,
            lines: diffs.map((l) => ({
              sku: l.sku,
              qty: l.qty,
              ...(l.batches ? { batches: l.batches } : {}),
            })),
            at: d.at,
          }
        : undefined;
      return { session: summary(d.s), update: d.update, movement };
    })();
  }

  function reject(id: string, actor: string, note?: string) {
    const d = db.transaction(() => decideIn(id, "reject", actor, note))();
    return { session: summary(d.s), update: d.update };
  }

  function cancel(id: string, actor: string, note?: string) {
    const d = db.transaction(() => decideIn(id, "cancel", actor, note))();
    return { session: summary(d.s), update: d.update };
  }

  function list(q: { storeId?: string; status?: StocktakeStatus; regions?: string[] } = {}) {
    return orm
      .select({ s: stocktakeSessions })
      .from(stocktakeSessions)
      .innerJoin(stores, eq(stores.id, stocktakeSessions.storeId))
      .where(
        and(
          q.storeId ? eq(stocktakeSessions.storeId, q.storeId) : undefined,
          q.status ? eq(stocktakeSessions.status, q.status) : undefined,
          q.regions ? inArray(stores.region, q.regions) : undefined,
        ),
      )
      .orderBy(desc(stocktakeSessions.openedAt), desc(stocktakeSessions.id))
      .limit(500)
      .all()
      .map((r) => summary(r.s));
  }

  function variances(s: SessionRow): (VarianceLine & { name: string | null })[] {
    const lines = linesOf(s.id);
    const costs = new Map(costing.positions(s.storeId).map((p) => [p.sku, p]));
    const names = new Map(
      lines.length
        ? orm
            .select({ sku: products.sku, name: products.name })
            .from(products)
            .where(
              inArray(
                products.sku,
                lines.map((l) => l.sku),
              ),
            )
            .all()
            .map((p) => [p.sku, p.name])
        : [],
    );
    return varianceLines(lines, (sku) => {
      const p = costs.get(sku);
      return p?.averageFen != null
        ? {
            averageFen: p.averageFen,
            perKg: p.per === "kg",
            position: { onHand: p.onHand, valueFen: p.valueFen },
          }
        : undefined;
    }).map((l) => ({ ...l, name: names.get(l.sku) ?? null }));
  }

  /** A session with its lines' differences valued at the store's average cost, and its alerts. */
  function get(id: string) {
    const s = load(id);
    const lines = variances(s);
    const alerts = alertsOf(lines, s.recountOver);
    const valued = lines.filter((l) => l.valueFen !== null);
    return {
      ...summary(s),
      lines,
      alerts,
      totals: {
        gainFen: valued.reduce((a, l) => a + Math.max(l.valueFen!, 0), 0),
        lossFen: valued.reduce((a, l) => a + Math.min(l.valueFen!, 0), 0),
        unvalued: lines.length - valued.length,
      },
    };
  }

  /** Alerts of the sessions waiting for approval and those decided in the last `days` days, newest first. */
  function alerts(q: { storeId?: string; regions?: string[]; days?: number } = {}) {
    const since = new Date(now().getTime() - (q.days ?? 30) * 86_400_000).toISOString();
    const out: (Pick<VarianceLine, "sku" | "expected" | "counted" | "diff" | "valueFen"> & {
      sessionId: string;
      storeId: string;
      name: string | null;
      kind: StocktakeAlertKind;
      status: StocktakeStatus;
      submittedAt: string | null;
    })[] = [];
    for (const summ of list({
      ...(q.storeId ? { storeId: q.storeId } : {}),
      ...(q.regions ? { regions: q.regions } : {}),
    })) {
      if (summ.status === "requested") continue;
      if (summ.status !== "submitted" && (summ.decidedAt ?? "") < since) continue;
      const s = load(summ.id);
      const lines = variances(s);
      const bySku = new Map(lines.map((l) => [l.sku, l]));
      for (const a of alertsOf(lines, s.recountOver)) {
        const l = bySku.get(a.sku)!;
        out.push({
          sessionId: s.id,
          storeId: s.storeId,
          sku: a.sku,
          name: l.name,
          kind: a.kind,
          expected: l.expected,
          counted: l.counted,
          diff: l.diff,
          valueFen: l.valueFen,
          status: s.status,
          submittedAt: s.submittedAt,
        });
      }
    }
    return out;
  }

  return { open, approve, reject, cancel, list, get, alerts };
}

export type Stocktakes = ReturnType<typeof createStocktakes>;
