// Master-data edits: each edit is validated (schemas in rules.ts, then the rules that need
// the master data: a barcode's SKU exists and is not taken, a coupon's promotion exists...)
// and written into a draft change set and HQ's working copy in one transaction.
import { and, eq, ne } from "drizzle-orm";
import { barcodes, coupons, members, products, promotions, stores } from "../db/schema.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { aboutSentence } from "../rollout/changeset-about.ts";
import type { ChangesetStore } from "../rollout/changesets.ts";
import { changesetLifecycle } from "../rollout/lifecycle.ts";
import type { CatalogContext, ChangesetRow } from "./context.ts";
import type { MasterStore } from "./master.ts";
import { createPackCodes } from "./packs.ts";
import {
  checkBarcode,
  checkCashier,
  checkCoupon,
  checkMember,
  checkPointsRule,
  checkPriceSchedule,
  checkProduct,
  checkPromotion,
  type Entity,
  keyOf,
} from "./rules.ts";
import type { Target } from "./view.ts";

/** Description of the chain-wide draft that collects edits made without naming a change set. */
export const DEFAULT_DRAFT = aboutSentence({ kind: "edits" });

export function createEdits(
  ctx: CatalogContext,
  changesets: ChangesetStore,
  master: MasterStore,
  createChangeset: (actor: string, input: { description?: string; target: Target }) => ChangesetRow,
) {
  const { db, orm } = ctx;
  const packCodes = createPackCodes(ctx);

  function draftFor(actor: string, changesetId?: number): number {
    if (changesetId !== undefined) {
      const cs = changesets.find(changesetId);
      if (!cs) throw new NotFoundError("changeset", String(changesetId));
      changesetLifecycle.apply(String(changesetId), cs.state, "edit");
      return changesetId;
    }
    // No change set named: the newest draft collects the edit (one is opened when none is).
    // Only the default draft (chain-wide, opened this way) collects unnamed edits, never a
    // draft someone opened for a narrower target.
    const draft = [...changesets.all()]
      .reverse()
      .find((c) => c.state === "draft" && c.description === DEFAULT_DRAFT && c.target.kind === "all");
    return draft
      ? draft.id
      : createChangeset(actor, { description: DEFAULT_DRAFT, target: { kind: "all" } }).id;
  }

  function requireProduct(sku: string, field: string) {
    if (!orm.select({ sku: products.sku }).from(products).where(eq(products.sku, sku)).get())
      throw new ValidationError(field, `unknown SKU ${sku}`);
  }

  /** Validates an edit (schema + rules against the master data) and returns its item. */
  async function validate(entity: Entity, input: unknown): Promise<{ key: string; data: unknown }> {
    let data: unknown;
    switch (entity) {
      case "product": {
        const p = checkProduct(input);
        packCodes.checkProductPacks(p);
        data = p;
        break;
      }
      case "barcode": {
        const b = checkBarcode(input);
        requireProduct(b.sku, "sku");
        const owner = orm.select({ sku: barcodes.sku }).from(barcodes).where(eq(barcodes.code, b.code)).get();
        if (owner && owner.sku !== b.sku)
          throw new ValidationError("code", `barcode ${b.code} already belongs to SKU ${owner.sku}`);
        packCodes.checkBarcodeNotPack(b.code);
        data = b;
        break;
      }
      case "price": {
        const s = checkPriceSchedule(input);
        requireProduct(s.sku, "sku");
        if (s.scope === "store") ctx.store(s.scopeKey);
        if (
          s.scope === "region" &&
          !orm.select({ id: stores.id }).from(stores).where(eq(stores.region, s.scopeKey)).limit(1).get()
        )
          throw new ValidationError("scopeKey", `no store is in region ${s.scopeKey}`);
        data = s;
        break;
      }
      case "promotion":
        data = checkPromotion(input);
        break;
      case "member": {
        const m = checkMember(input);
        const other = orm
          .select({ id: members.id })
          .from(members)
          .where(and(eq(members.phone, m.phone), ne(members.id, m.id)))
          .get();
        if (other) throw new ValidationError("phone", `phone already belongs to member ${other.id}`);
        data = m;
        break;
      }
      case "cashier": {
        const id = (input as { id?: unknown } | null)?.id;
        const current =
          typeof id === "string" ? (master.readMaster("cashier", id) as { pinHash?: string } | null) : null;
        data = await checkCashier(input, current?.pinHash);
        break;
      }
      case "coupon": {
        const c = checkCoupon(input);
        if (!orm.select({ id: promotions.id }).from(promotions).where(eq(promotions.id, c.promotionId)).get())
          throw new ValidationError("promotionId", `unknown promotion ${c.promotionId}`);
        if (
          c.memberId &&
          !orm.select({ id: members.id }).from(members).where(eq(members.id, c.memberId)).get()
        )
          throw new ValidationError("memberId", `unknown member ${c.memberId}`);
        // The binding is fixed: HQ's price audit re-prices old sales by it (coupons/).
        const bound = orm
          .select({ p: coupons.promotionId })
          .from(coupons)
          .where(eq(coupons.code, c.code))
          .get();
        if (bound && bound.p !== c.promotionId)
          throw new ValidationError("promotionId", `coupon ${c.code} is bound to promotion ${bound.p}`);
        data = c;
        break;
      }
      case "points_rule":
        data = checkPointsRule(input);
        break;
    }
    return { key: keyOf(entity, data), data };
  }

  /** Upserts a master record into a draft change set (and HQ's working copy). */
  async function edit(actor: string, entity: Entity, input: unknown, changesetId?: number) {
    const { key, data } = await validate(entity, input);
    const id = draftFor(actor, changesetId);
    db.transaction(() => {
      master.putItem(id, entity, key, "upsert", data);
      changesets.audit(id, "edit", actor, { kind: "record", op: "upsert", entity, key });
    })();
    return { changesetId: id, entity, key, data };
  }

  /**
   * Upserts many records of one entity into a draft in one transaction (bulk actions): every
   * record is validated first, so one bad record refuses them all (its index names it).
   */
  async function editMany(actor: string, entity: Entity, inputs: readonly unknown[], changesetId?: number) {
    const items: { key: string; data: unknown }[] = [];
    for (const [i, input] of inputs.entries()) {
      try {
        items.push(await validate(entity, input));
      } catch (e) {
        if (e instanceof ValidationError) throw new ValidationError(`${i}.${e.field}`, e.message);
        throw e;
      }
    }
    const id = draftFor(actor, changesetId);
    db.transaction(() => {
      for (const { key, data } of items) {
        master.putItem(id, entity, key, "upsert", data);
        changesets.audit(id, "edit", actor, { kind: "record", op: "upsert", entity, key });
      }
    })();
    return { changesetId: id, entity, keys: items.map((i) => i.key) };
  }

  async function remove(actor: string, entity: Entity, key: string, changesetId?: number) {
    if (master.readMaster(entity, key) === null) throw new NotFoundError(entity, key);
    if (
      entity === "product" &&
      orm.select({ code: barcodes.code }).from(barcodes).where(eq(barcodes.sku, key)).limit(1).get()
    )
      throw new ValidationError(
        "sku",
        `SKU ${key} still has barcodes; delete them first or set status inactive`,
      );
    const id = draftFor(actor, changesetId);
    db.transaction(() => {
      master.putItem(id, entity, key, "delete", null);
      changesets.audit(id, "edit", actor, { kind: "record", op: "delete", entity, key });
    })();
    return { changesetId: id, entity, key };
  }

  return { draftFor, edit, editMany, remove, checkProductPacks: packCodes.checkProductPacks };
}
