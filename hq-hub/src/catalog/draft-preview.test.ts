import { describe, expect, test } from "bun:test";
import { changedFields, type PreviewItemRow, previewDraft, shown } from "./draft-preview.ts";
import type { PriceSchedule } from "./rules.ts";

// Ten stores: east 1-5 (S01 and S06 pilot), west 6-10.
const stores = Array.from({ length: 10 }, (_, i) => ({
  id: `S${String(i + 1).padStart(2, "0")}`,
  name: `店${i + 1}`,
  region: i < 5 ? "east" : "west",
  ring: i === 0 || i === 5 ? "pilot" : "general",
}));
const NOW = Date.parse("2026-12-07T12:00:00+08:00");
const chain = (sku: string, price: number): PriceSchedule => ({
  sku,
  scope: "chain",
  scopeKey: "",
  windows: [{ price }],
});

describe("a change set's preview", () => {
  test("a chain price change: old -> new at every store without an override, the override's stores unchanged", () => {
    const eastOverride: PriceSchedule = {
      sku: "1001",
      scope: "region",
      scopeKey: "east",
      windows: [{ price: 320 }],
    };
    const rows: PreviewItemRow[] = [
      {
        entity: "price",
        key: "1001|chain|",
        op: "upsert",
        data: chain("1001", 350),
        prev: chain("1001", 300),
      },
    ];
    const p = previewDraft({
      target: { kind: "all" },
      stores,
      rows,
      schedulesOf: () => [chain("1001", 350), eastOverride],
      at: NOW,
    });
    expect(p.reach).toEqual({ stores: 10, pilot: 2, regions: ["east", "west"] });
    expect(p.storesAffected).toBe(10);
    // East keeps its 3.20 override: only the five western stores see 3.00 -> 3.50.
    expect(p.prices).toEqual([
      { sku: "1001", fromFen: 300, toFen: 350, stores: 5, sample: ["S06", "S07", "S08", "S09", "S10"] },
    ]);
    expect(p.storesWithPriceChange).toBe(5);
    expect(p.counts.price).toEqual({ add: 0, change: 1, delete: 0 });
    expect(p.skus).toBe(1);
    expect(p.items[0]).toMatchObject({ change: "change", fields: ["windows"] });
  });

  test("a new store override reaches one store; a region target limits the reach; a deleted price falls back", () => {
    const storePrice: PriceSchedule = {
      sku: "2002",
      scope: "store",
      scopeKey: "S07",
      windows: [{ price: 990 }],
    };
    const added = previewDraft({
      target: { kind: "region", regions: ["west"] },
      stores,
      rows: [{ entity: "price", key: "2002|store|S07", op: "upsert", data: storePrice, prev: null }],
      schedulesOf: () => [chain("2002", 1200), storePrice],
      at: NOW,
    });
    expect(added.reach).toEqual({ stores: 5, pilot: 1, regions: ["west"] });
    expect(added.storesAffected).toBe(1);
    expect(added.prices).toEqual([{ sku: "2002", fromFen: 1200, toFen: 990, stores: 1, sample: ["S07"] }]);
    expect(added.counts.price.add).toBe(1);

    const removed = previewDraft({
      target: { kind: "all" },
      stores,
      rows: [{ entity: "price", key: "2002|store|S07", op: "delete", data: null, prev: storePrice }],
      schedulesOf: () => [chain("2002", 1200)],
      at: NOW,
    });
    expect(removed.prices).toEqual([{ sku: "2002", fromFen: 990, toFen: 1200, stores: 1, sample: ["S07"] }]);
    expect(removed.counts.price.delete).toBe(1);
  });

  test("a window that starts later does not move today's shelf price; a first price goes from none", () => {
    const later: PriceSchedule = {
      sku: "3003",
      scope: "chain",
      scopeKey: "",
      windows: [
        { price: 500, endsAt: "2026-12-10T00:00:00+08:00" },
        { price: 450, startsAt: "2026-12-10T00:00:00+08:00" },
      ],
    };
    const p = previewDraft({
      target: { kind: "all" },
      stores,
      rows: [
        { entity: "price", key: "3003|chain|", op: "upsert", data: later, prev: chain("3003", 500) },
        { entity: "price", key: "4004|chain|", op: "upsert", data: chain("4004", 100), prev: null },
      ],
      schedulesOf: (sku) => (sku === "3003" ? [later] : [chain("4004", 100)]),
      at: NOW,
    });
    expect(p.prices).toEqual([
      { sku: "4004", fromFen: null, toFen: 100, stores: 10, sample: ["S01", "S02", "S03", "S04", "S05"] },
    ]);
    expect(p.items.map((i) => i.key)).toEqual(["3003|chain|", "4004|chain|"]);
  });

  test("products, barcodes, members and cashiers: what changed, never a PIN hash, a phone masked", () => {
    const rows: PreviewItemRow[] = [
      {
        entity: "product",
        key: "5005",
        op: "upsert",
        data: { sku: "5005", name: "可乐 500ml", unit: "EA" },
        prev: { sku: "5005", name: "可乐", unit: "EA" },
      },
      {
        entity: "barcode",
        key: "6901234567892",
        op: "upsert",
        data: { code: "6901234567892", sku: "5005" },
        prev: null,
      },
      {
        entity: "cashier",
        key: "C1",
        op: "upsert",
        data: { id: "C1", name: "王", pinHash: "$argon2id$new" },
        prev: { id: "C1", name: "王", pinHash: "$argon2id$old" },
      },
      { entity: "member", key: "M1", op: "upsert", data: { id: "M1", phone: "13812345678" }, prev: null },
    ];
    const p = previewDraft({ target: { kind: "all" }, stores, rows, schedulesOf: () => [], at: NOW });
    expect(p.skus).toBe(1);
    expect(p.storesAffected).toBe(10);
    expect(p.counts.product).toEqual({ add: 0, change: 1, delete: 0 });
    expect(p.counts.barcode.add).toBe(1);
    const product = p.items.find((i) => i.entity === "product")!;
    expect(product.fields).toEqual(["name"]);
    expect(JSON.stringify(p.items)).not.toContain("argon2id");
    // The PIN changed (hash differs) but the preview says only that a PIN is set.
    expect(p.items.find((i) => i.entity === "cashier")!.after).toEqual({
      id: "C1",
      name: "王",
      hasPin: true,
    });
    expect((p.items.find((i) => i.entity === "member")!.after as { phone: string }).phone).toBe(
      "138****5678",
    );
    expect(shown("member", null)).toBe(null);
    expect(changedFields(null, { a: 1, b: 2 })).toEqual(["a", "b"]);
  });

  test("items are paged and filtered by entity; a huge import's prices are worked out for the first SKUs only", () => {
    const rows: PreviewItemRow[] = Array.from({ length: 2500 }, (_, i) => {
      const sku = String(100000 + i);
      return {
        entity: "price",
        key: `${sku}|chain|`,
        op: "upsert",
        data: chain(sku, 200),
        prev: chain(sku, 100),
      };
    });
    const p = previewDraft({
      target: { kind: "all" },
      stores,
      rows,
      schedulesOf: (sku) => [chain(sku, 200)],
      at: NOW,
      page: { entity: "price", limit: 10, offset: 2490 },
    });
    expect(p.itemsTotal).toBe(2500);
    expect(p.items.length).toBe(10);
    expect(p.items[9]!.key).toBe("102499|chain|");
    expect(p.priceSkusTotal).toBe(2500);
    expect(p.priceSkusChecked).toBe(500);
    expect(p.prices.length).toBe(500);
    expect(
      previewDraft({
        target: { kind: "all" },
        stores,
        rows,
        schedulesOf: () => [],
        at: NOW,
        page: { entity: "product", limit: 10, offset: 0 },
      }).itemsTotal,
    ).toBe(0);
  });
});
