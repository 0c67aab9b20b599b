// Batches and expiry at HQ (issue 17 item 5): the stores' lots as HQ mirrors them, the lots near
// expiry across the chain, the markdown rules, and the markdown run that turns rules into
// percent-off promotions in a change set released to the pilot stores first, then promoted to
// the rest like any other (rollout/), so the stores price them and HQ's audit re-prices them.
import { randomUUID } from "node:crypto";
import type { LotDelta } from "@retail/protocol";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Catalog } from "../catalog/catalog.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { lotMarkdowns, markdownRules, storeLots, transferLots } from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";
import { aboutSentence } from "../rollout/changeset-about.ts";
import { movementLotDeltas } from "./lot-deltas.ts";
import { type MarkdownRule, type MarkdownRuleInput, planMarkdowns } from "./markdown.ts";
import { createLotReads, createLotStep } from "./storage.ts";

export interface BatchesDeps {
  db: Sqlite;
  now: () => Date;
  catalog: Catalog;
}

/** The China day of an instant. */
export const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export function createBatches(deps: BatchesDeps) {
  const { db, now, catalog } = deps;
  const orm = openDrizzle(db);
  const reads = createLotReads(db);
  const step = createLotStep(db);

  const toRule = (
    r: typeof markdownRules.$inferSelect,
  ): MarkdownRule & { updatedBy: string; updatedAt: string } => ({
    id: r.id,
    name: r.name,
    category: r.category,
    maxDaysLeft: r.maxDaysLeft,
    minQty: r.minQty,
    percent: r.percent,
    active: r.active === 1,
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt,
  });

  function rules() {
    return orm
      .select()
      .from(markdownRules)
      .orderBy(asc(markdownRules.maxDaysLeft), asc(markdownRules.id))
      .all()
      .map(toRule);
  }

  function putRule(actor: string, input: MarkdownRuleInput, id?: string) {
    if (id && !orm.select().from(markdownRules).where(eq(markdownRules.id, id)).get())
      throw new NotFoundError("markdown rule", id);
    const row = {
      id: id ?? `MR-${randomUUID().slice(0, 8)}`,
      name: input.name,
      category: input.category ?? null,
      maxDaysLeft: input.maxDaysLeft,
      minQty: input.minQty,
      percent: input.percent,
      active: input.active ? 1 : 0,
      updatedBy: actor,
      updatedAt: now().toISOString(),
    };
    orm.insert(markdownRules).values(row).onConflictDoUpdate({ target: markdownRules.id, set: row }).run();
    return toRule(row);
  }

  function nearExpiry(o: { days: number; storeIds?: string[]; regions?: string[] }) {
    return {
      today: chinaDay(now()),
      days: o.days,
      items: reads.nearExpiry({ ...o, today: chinaDay(now()) }),
    };
  }

  function markdowns(storeIds?: string[]) {
    return orm
      .select()
      .from(lotMarkdowns)
      .where(storeIds ? inArray(lotMarkdowns.storeId, storeIds) : undefined)
      .orderBy(asc(lotMarkdowns.expiresOn), asc(lotMarkdowns.storeId), asc(lotMarkdowns.sku))
      .all();
  }

  /**
   * Applies the active rules to the lots on the shelf now: the new or deeper markdowns go into one
   * change set (a percent_off promotion per store, SKU and expiry day, for those stores) released
   * to its pilot stores; promote it (POST /api/v1/changesets/{id}/promote) for the rest.
   */
  async function runMarkdowns(actor: string) {
    const active = rules().filter((r) => r.active);
    const at = now();
    const iso = at.toISOString();
    if (active.length === 0) return { changesetId: null, state: null, markdowns: [] };
    const days = Math.max(...active.map((r) => r.maxDaysLeft));
    const lots = reads.nearExpiry({ today: chinaDay(at), days });
    const existing = new Map(markdowns().map((m) => [`${m.storeId}|${m.sku}|${m.expiresOn}`, m.percent]));
    const planned = planMarkdowns(active, lots, existing, iso);
    if (planned.length === 0) return { changesetId: null, state: null, markdowns: [] };
    const storeIds = [...new Set(planned.map((p) => p.storeId))];
    const cs = catalog.createChangeset(actor, {
      description: aboutSentence({ kind: "markdowns", day: chinaDay(at), count: planned.length }),
      target: { kind: "stores", stores: storeIds },
    });
    for (const p of planned)
      await catalog.edit(
        actor,
        "promotion",
        {
          id: p.promotionId,
          kind: "percent_off",
          percent: p.percent,
          skus: [p.sku],
          stores: [p.storeId],
          startsAt: p.startsAt,
          endsAt: p.endsAt,
        },
        cs.id,
      );
    const released = catalog.release(actor, cs.id, "pilot");
    db.transaction(() => {
      for (const p of planned) {
        const row = {
          storeId: p.storeId,
          sku: p.sku,
          expiresOn: p.expiresOn,
          promotionId: p.promotionId,
          ruleId: p.ruleId,
          percent: p.percent,
          changesetId: cs.id,
          createdAt: iso,
        };
        orm
          .insert(lotMarkdowns)
          .values(row)
          .onConflictDoUpdate({
            target: [lotMarkdowns.storeId, lotMarkdowns.sku, lotMarkdowns.expiresOn],
            set: row,
          })
          .run();
      }
    })();
    return { changesetId: cs.id, state: released.state, markdowns: planned };
  }

  const tracked = (storeId: string, sku: string) =>
    orm
      .select({ sku: storeLots.sku })
      .from(storeLots)
      .where(and(eq(storeLots.storeId, storeId), eq(storeLots.sku, sku)))
      .limit(1)
      .get() !== undefined;

  /**
   * A transfer ships `qty` of a SKU the sender keeps lots of: drawn FEFO from HQ's mirror of the
   * sender (written there and kept with the document), the draws to send down with the movement.
   * Runs in the ship's transaction, before its ledger rows (the undated rest is read from on-hand).
   */
  function shipLots(
    transferId: string,
    from: string,
    sku: string,
    qty: number,
    at: string,
  ): LotDelta[] | undefined {
    if (!tracked(from, sku)) return undefined;
    const draws = reads.drawOf(from, sku, qty);
    const dated = movementLotDeltas(-qty, draws);
    step.apply(from, [{ sku, deltas: dated }], at);
    for (const d of dated)
      orm
        .insert(transferLots)
        .values({ transferId, sku, batch: d.batch, expiresOn: d.expiresOn, qty: -d.qty })
        .onConflictDoUpdate({
          target: [transferLots.transferId, transferLots.sku, transferLots.batch, transferLots.expiresOn],
          set: { qty: -d.qty },
        })
        .run();
    return draws;
  }

  /** The lots a received transfer brings (what was shipped, first-expiring first, up to what arrived). */
  function receiveLots(
    transferId: string,
    to: string,
    sku: string,
    got: number,
    at: string,
  ): LotDelta[] | undefined {
    const shipped = orm
      .select({ batch: transferLots.batch, expiresOn: transferLots.expiresOn, qty: transferLots.qty })
      .from(transferLots)
      .where(and(eq(transferLots.transferId, transferId), eq(transferLots.sku, sku)))
      .orderBy(asc(transferLots.expiresOn), asc(transferLots.batch))
      .all();
    if (shipped.length === 0) return undefined;
    const arriving = movementLotDeltas(got, shipped);
    step.apply(to, [{ sku, deltas: arriving }], at);
    return arriving;
  }

  return {
    shipLots,
    receiveLots,
    rules,
    putRule,
    nearExpiry,
    markdowns,
    runMarkdowns,
    lotsOf: (storeId: string, sku: string) => {
      const { onHand, lots } = reads.lotsOf(storeId, sku);
      return { storeId, sku, onHand, lots, shelf: reads.shelfOf(storeId, sku) };
    },
    /** A transfer's lots: FEFO from HQ's mirror of the sender (written), to be sent with the movement. */
    drawForTransfer: reads.drawOf,
    applyLots: step.apply,
  };
}

export type Batches = ReturnType<typeof createBatches>;
