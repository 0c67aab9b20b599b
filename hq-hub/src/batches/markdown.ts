// Expiry markdowns, pure (issue 17 item 5): the chain's rules (by days to expiry and stock on the
// shelf, e.g. "3 days left and at least 5 units -> 30% off") turned into one percent-off
// promotion per store, SKU and expiry day, valid from now to the end of that day (China time).
// Prices are per SKU, so the markdown is on the SKU at that store while its lot lasts; the store
// sells the marked-down lot first anyway (FEFO). A markdown only deepens: a lot already marked
// down at the same or a deeper percent gets nothing new.
import { z } from "zod";

export const MarkdownRuleInput = z.strictObject({
  name: z.string().trim().min(1).max(40),
  /** A category code at any level of the product's path; absent: every dated product. */
  category: z
    .string()
    .regex(/^[0-9A-Za-z]{1,12}$/, "category: 1-12 letters or digits")
    .optional(),
  maxDaysLeft: z.int().min(0).max(30),
  minQty: z.int().min(1).max(1_000_000),
  percent: z.int().min(1).max(90),
  active: z.boolean().default(true),
});
export type MarkdownRuleInput = z.infer<typeof MarkdownRuleInput>;

export interface MarkdownRule {
  id: string;
  name: string;
  category: string | null;
  maxDaysLeft: number;
  minQty: number;
  percent: number;
  active: boolean;
}

export interface ShelfLot {
  storeId: string;
  sku: string;
  category: readonly string[];
  expiresOn: string;
  daysLeft: number;
  qty: number;
}

export interface PlannedMarkdown {
  storeId: string;
  sku: string;
  expiresOn: string;
  ruleId: string;
  percent: number;
  /** Units (grams) of the SKU on the shelf expiring that day. */
  qty: number;
  daysLeft: number;
  promotionId: string;
  startsAt: string;
  endsAt: string;
}

/** One promotion per store, SKU and expiry day (at most 3 + 16 + 32 + 8 + 3 = 62 characters). */
export const markdownPromotionId = (storeId: string, sku: string, expiresOn: string) =>
  `MD-${storeId}-${sku}-${expiresOn.replaceAll("-", "")}`;

/** The end of a China day: the next day's 00:00 at +08:00. */
export const endOfChinaDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000).toISOString();

export function planMarkdowns(
  rules: readonly MarkdownRule[],
  lots: readonly ShelfLot[],
  existing: ReadonlyMap<string, number>,
  now: string,
): PlannedMarkdown[] {
  // Lots of the same store, SKU and day count together (two batches dated alike).
  const groups = new Map<string, ShelfLot>();
  for (const l of lots) {
    if (l.daysLeft < 0) continue; // past its date: written off, not sold
    const k = `${l.storeId}|${l.sku}|${l.expiresOn}`;
    const g = groups.get(k);
    if (g) groups.set(k, { ...g, qty: g.qty + l.qty });
    else groups.set(k, { ...l });
  }
  const active = rules.filter((r) => r.active);
  const out: PlannedMarkdown[] = [];
  for (const [k, g] of groups) {
    const best = active
      .filter(
        (r) =>
          g.daysLeft <= r.maxDaysLeft &&
          g.qty >= r.minQty &&
          (r.category === null || g.category.includes(r.category)),
      )
      .sort((a, b) => b.percent - a.percent || (a.id < b.id ? -1 : 1))[0];
    if (!best || (existing.get(k) ?? 0) >= best.percent) continue;
    const endsAt = endOfChinaDay(g.expiresOn);
    if (!(now < endsAt)) continue;
    out.push({
      storeId: g.storeId,
      sku: g.sku,
      expiresOn: g.expiresOn,
      ruleId: best.id,
      percent: best.percent,
      qty: g.qty,
      daysLeft: g.daysLeft,
      promotionId: markdownPromotionId(g.storeId, g.sku, g.expiresOn),
      startsAt: now,
      endsAt,
    });
  }
  return out.sort(
    (a, b) =>
      a.storeId.localeCompare(b.storeId) ||
      a.sku.localeCompare(b.sku) ||
      a.expiresOn.localeCompare(b.expiresOn),
  );
}
