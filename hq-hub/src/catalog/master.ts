// HQ's working copy of the master records (products, barcodes, prices, promotions, members,
// cashiers, coupons) and the draft items that carry each edit to the stores. Storage only:
// the records were validated (rules.ts, edits.ts) before they get here.
import { and, eq, sql } from "drizzle-orm";
import {
  barcodes,
  cashiers,
  changesetItems,
  coupons,
  members,
  pointsRules,
  priceSchedules,
  products,
  promotions,
} from "../db/schema.ts";
import type { CatalogContext } from "./context.ts";
import { type Entity, parsePriceKey } from "./rules.ts";

const excluded = (column: string) => sql.raw(`excluded.${column}`);
const p = sql.placeholder;

export function createMasterStore(ctx: CatalogContext) {
  const { orm } = ctx;
  const priceKeyIs = and(
    eq(priceSchedules.sku, p("sku")),
    eq(priceSchedules.scope, p("scope")),
    eq(priceSchedules.scopeKey, p("scopeKey")),
  );

  // Prepared once: an import writes 100k records through these.
  const read = {
    product: orm
      .select({ dataJson: products.dataJson })
      .from(products)
      .where(eq(products.sku, p("key")))
      .prepare(),
    barcode: orm
      .select({ code: barcodes.code, sku: barcodes.sku })
      .from(barcodes)
      .where(eq(barcodes.code, p("key")))
      .prepare(),
    price: orm
      .select({ windowsJson: priceSchedules.windowsJson })
      .from(priceSchedules)
      .where(priceKeyIs)
      .prepare(),
    promotion: orm
      .select({ dataJson: promotions.dataJson })
      .from(promotions)
      .where(eq(promotions.id, p("key")))
      .prepare(),
    member: orm
      .select({
        id: members.id,
        phone: members.phone,
        name: members.name,
        tier: members.tier,
        points: members.points,
        status: members.status,
      })
      .from(members)
      .where(eq(members.id, p("key")))
      .prepare(),
    cashier: orm
      .select({
        id: cashiers.id,
        name: cashiers.name,
        role: cashiers.role,
        pinHash: cashiers.pinHash,
        status: cashiers.status,
      })
      .from(cashiers)
      .where(eq(cashiers.id, p("key")))
      .prepare(),
    coupon: orm
      .select()
      .from(coupons)
      .where(eq(coupons.code, p("key")))
      .prepare(),
    points_rule: orm
      .select({ dataJson: pointsRules.dataJson })
      .from(pointsRules)
      .where(eq(pointsRules.id, p("key")))
      .prepare(),
  };

  function readMaster(entity: Entity, key: string): unknown {
    switch (entity) {
      case "product": {
        const r = read.product.get({ key });
        return r ? JSON.parse(r.dataJson) : null;
      }
      case "barcode":
        return read.barcode.get({ key }) ?? null;
      case "price": {
        const k = parsePriceKey(key);
        const r = read.price.get(k);
        return r ? { ...k, windows: JSON.parse(r.windowsJson) } : null;
      }
      case "promotion": {
        const r = read.promotion.get({ key });
        return r ? JSON.parse(r.dataJson) : null;
      }
      case "member": {
        const r = read.member.get({ key });
        return r
          ? {
              id: r.id,
              phone: r.phone,
              ...(r.name ? { name: r.name } : {}),
              tier: r.tier,
              points: r.points,
              status: r.status,
            }
          : null;
      }
      case "cashier":
        return read.cashier.get({ key }) ?? null;
      case "coupon": {
        const r = read.coupon.get({ key });
        return r
          ? {
              code: r.code,
              promotionId: r.promotionId,
              ...(r.memberId ? { memberId: r.memberId } : {}),
              ...(r.validUntil ? { validUntil: r.validUntil } : {}),
              status: r.status,
              ...(r.multiUse ? { multiUse: true } : {}),
            }
          : null;
      }
      case "points_rule": {
        const r = read.points_rule.get({ key });
        return r ? JSON.parse(r.dataJson) : null;
      }
    }
  }

  const write = {
    product: orm
      .insert(products)
      .values({
        sku: p("key"),
        name: p("name"),
        nameEn: p("nameEn"),
        category: p("category"),
        unit: p("unit"),
        taxRate: p("taxRate"),
        weighed: p("weighed"),
        plu: p("plu"),
        status: p("status"),
        dataJson: p("dataJson"),
      })
      .onConflictDoUpdate({
        target: products.sku,
        set: {
          name: excluded("name"),
          nameEn: excluded("name_en"),
          category: excluded("category"),
          unit: excluded("unit"),
          taxRate: excluded("tax_rate"),
          weighed: excluded("weighed"),
          plu: excluded("plu"),
          status: excluded("status"),
          dataJson: excluded("data_json"),
        },
      })
      .prepare(),
    barcode: orm
      .insert(barcodes)
      .values({ code: p("key"), sku: p("sku") })
      .onConflictDoUpdate({ target: barcodes.code, set: { sku: excluded("sku") } })
      .prepare(),
    price: orm
      .insert(priceSchedules)
      .values({ sku: p("sku"), scope: p("scope"), scopeKey: p("scopeKey"), windowsJson: p("windowsJson") })
      .onConflictDoUpdate({
        target: [priceSchedules.sku, priceSchedules.scope, priceSchedules.scopeKey],
        set: { windowsJson: excluded("windows_json") },
      })
      .prepare(),
    promotion: orm
      .insert(promotions)
      .values({ id: p("key"), kind: p("kind"), dataJson: p("dataJson") })
      .onConflictDoUpdate({
        target: promotions.id,
        set: { kind: excluded("kind"), dataJson: excluded("data_json") },
      })
      .prepare(),
    member: orm
      .insert(members)
      .values({
        id: p("key"),
        phone: p("phone"),
        name: p("name"),
        tier: p("tier"),
        points: p("points"),
        status: p("status"),
      })
      .onConflictDoUpdate({
        target: members.id,
        // An existing member's balance is HQ's points ledger's (ingest: earned, redeemed,
        // returned), never a change item's: an editor or CSV row read before a sale took points
        // would otherwise put them back. When the item's balance differs, the stores got a stale
        // one with it, so the member is marked for the next balance sync.
        set: {
          phone: excluded("phone"),
          name: excluded("name"),
          tier: excluded("tier"),
          status: excluded("status"),
          dirty: sql`case when ${members.points} <> excluded.points then 1 else 0 end`,
        },
      })
      .prepare(),
    cashier: orm
      .insert(cashiers)
      .values({ id: p("key"), name: p("name"), role: p("role"), pinHash: p("pinHash"), status: p("status") })
      .onConflictDoUpdate({
        target: cashiers.id,
        set: {
          name: excluded("name"),
          role: excluded("role"),
          pinHash: excluded("pin_hash"),
          status: excluded("status"),
        },
      })
      .prepare(),
    coupon: orm
      .insert(coupons)
      .values({
        code: p("key"),
        promotionId: p("promotionId"),
        memberId: p("memberId"),
        validUntil: p("validUntil"),
        status: p("status"),
        multiUse: p("multiUse"),
      })
      .onConflictDoUpdate({
        target: coupons.code,
        set: {
          promotionId: excluded("promotion_id"),
          memberId: excluded("member_id"),
          validUntil: excluded("valid_until"),
          status: excluded("status"),
          multiUse: excluded("multi_use"),
        },
      })
      .prepare(),
    points_rule: orm
      .insert(pointsRules)
      .values({ id: p("key"), dataJson: p("dataJson") })
      .onConflictDoUpdate({ target: pointsRules.id, set: { dataJson: excluded("data_json") } })
      .prepare(),
  };
  const remove = {
    product: orm
      .delete(products)
      .where(eq(products.sku, p("key")))
      .prepare(),
    barcode: orm
      .delete(barcodes)
      .where(eq(barcodes.code, p("key")))
      .prepare(),
    price: orm.delete(priceSchedules).where(priceKeyIs).prepare(),
    promotion: orm
      .delete(promotions)
      .where(eq(promotions.id, p("key")))
      .prepare(),
    member: orm
      .delete(members)
      .where(eq(members.id, p("key")))
      .prepare(),
    cashier: orm
      .delete(cashiers)
      .where(eq(cashiers.id, p("key")))
      .prepare(),
    coupon: orm
      .delete(coupons)
      .where(eq(coupons.code, p("key")))
      .prepare(),
    points_rule: orm
      .delete(pointsRules)
      .where(eq(pointsRules.id, p("key")))
      .prepare(),
  };

  function writeMaster(entity: Entity, key: string, data: unknown) {
    const d = data as Record<string, unknown> | null;
    if (!d) {
      if (entity === "price") remove.price.run(parsePriceKey(key));
      else remove[entity].run({ key });
      return;
    }
    switch (entity) {
      case "product":
        write.product.run({
          key,
          name: d.name,
          nameEn: d.nameEn ?? null,
          category: (d.category as string[]).at(-1)!,
          unit: d.unit,
          taxRate: d.taxRate,
          weighed: d.weighed ? 1 : 0,
          plu: d.plu ?? null,
          status: d.status,
          dataJson: JSON.stringify(d),
        });
        return;
      case "barcode":
        write.barcode.run({ key, sku: d.sku });
        return;
      case "price":
        write.price.run({ ...parsePriceKey(key), windowsJson: JSON.stringify(d.windows) });
        return;
      case "promotion":
        write.promotion.run({ key, kind: d.kind, dataJson: JSON.stringify(d) });
        return;
      case "member":
        write.member.run({
          key,
          phone: d.phone,
          name: d.name ?? null,
          tier: d.tier,
          points: d.points,
          status: d.status,
        });
        return;
      case "cashier":
        write.cashier.run({ key, name: d.name, role: d.role, pinHash: d.pinHash, status: d.status });
        return;
      case "coupon":
        write.coupon.run({
          key,
          promotionId: d.promotionId,
          memberId: d.memberId ?? null,
          validUntil: d.validUntil ?? null,
          status: d.status,
          multiUse: d.multiUse ? 1 : 0,
        });
        return;
      case "points_rule":
        write.points_rule.run({ key, dataJson: JSON.stringify(d) });
        return;
    }
  }

  const itemPrev = orm
    .select({ prevJson: changesetItems.prevJson })
    .from(changesetItems)
    .where(
      and(
        eq(changesetItems.changesetId, p("changesetId")),
        eq(changesetItems.entity, p("entity")),
        eq(changesetItems.key, p("key")),
      ),
    )
    .prepare();
  const putItemRow = orm
    .insert(changesetItems)
    .values({
      changesetId: p("changesetId"),
      entity: p("entity"),
      key: p("key"),
      op: p("op"),
      dataJson: p("dataJson"),
      prevJson: p("prevJson"),
      storeScope: p("storeScope"),
    })
    .onConflictDoUpdate({
      target: [changesetItems.changesetId, changesetItems.entity, changesetItems.key],
      set: { op: excluded("op"), dataJson: excluded("data_json") },
    })
    .prepare();

  /** Must run inside a transaction. The first edit of a key in a change set remembers the previous record. */
  function putItem(changesetId: number, entity: Entity, key: string, op: "upsert" | "delete", data: unknown) {
    const existing = itemPrev.get({ changesetId, entity, key });
    const prev = existing ? existing.prevJson : jsonOrNull(readMaster(entity, key));
    const storeScope =
      entity === "price" && parsePriceKey(key).scope === "store" ? parsePriceKey(key).scopeKey : null;
    putItemRow.run({
      changesetId,
      entity,
      key,
      op,
      dataJson: data === null ? null : JSON.stringify(data),
      prevJson: prev,
      storeScope,
    });
    writeMaster(entity, key, op === "upsert" ? data : null);
  }

  return { readMaster, writeMaster, putItem };
}

export type MasterStore = ReturnType<typeof createMasterStore>;

function jsonOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : JSON.stringify(v);
}
