import { describe, expect, test } from "bun:test";
import { ValidationError } from "../errors.ts";
import { parseCsv, rowToRecord } from "./import.ts";
import { checkBarcode, checkPriceSchedule, checkProduct } from "./rules.ts";
import {
  type ChangesetRef,
  paginate,
  planFetch,
  resolvePrice,
  storeItems,
  versionsFor,
  visibleTo,
} from "./view.ts";

const fieldOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e.field;
    throw e;
  }
  return "no error";
};

describe("master-data rules", () => {
  test("barcodes: check digit verified, UPC-A and GTIN-14 normalised, in-store codes allowed", () => {
    expect(checkBarcode({ code: "6901234567892", sku: "A" }).code).toBe("6901234567892");
    expect(checkBarcode({ code: "036000291452", sku: "A" }).code).toBe("0036000291452");
    expect(checkBarcode({ code: "06901234567892", sku: "A" }).code).toBe("6901234567892");
    expect(checkBarcode({ code: "STORE-001", sku: "A" }).code).toBe("STORE-001");
    expect(fieldOf(() => checkBarcode({ code: "6901234567893", sku: "A" }))).toBe("code");
    expect(fieldOf(() => checkBarcode({ code: "123456789", sku: "A" }))).toBe("code");
  });
  test("products: unit from the code list, PLU only for weighed goods sold by weight", () => {
    const p = {
      sku: "F1",
      name: "苹果",
      category: ["20"],
      unit: "KG",
      taxRate: 9,
      weighed: true,
      plu: "1234",
      status: "active",
    };
    expect(checkProduct(p).plu).toBe("1234");
    expect(fieldOf(() => checkProduct({ ...p, unit: "JIN" }))).toBe("unit");
    expect(fieldOf(() => checkProduct({ ...p, unit: "EA" }))).toBe("unit");
    expect(fieldOf(() => checkProduct({ ...p, weighed: false, unit: "EA" }))).toBe("plu");
    expect(fieldOf(() => checkProduct({ ...p, taxRate: 17 }))).toBe("taxRate");
  });
  test("prices: integer fen, non-negative, proper non-overlapping windows, scope key", () => {
    const w = (startsAt?: string, endsAt?: string) => ({
      price: 100,
      ...(startsAt ? { startsAt } : {}),
      ...(endsAt ? { endsAt } : {}),
    });
    expect(
      checkPriceSchedule({
        sku: "A",
        scope: "chain",
        windows: [w(undefined, "2026-01-01T00:00:00Z"), w("2026-01-01T00:00:00Z")],
      }).windows,
    ).toHaveLength(2);
    expect(
      fieldOf(() =>
        checkPriceSchedule({ sku: "A", scope: "chain", windows: [w(), w("2026-01-01T00:00:00Z")] }),
      ),
    ).toBe("windows.1.startsAt");
    expect(fieldOf(() => checkPriceSchedule({ sku: "A", scope: "chain", windows: [{ price: 1.5 }] }))).toBe(
      "windows.0.price",
    );
    expect(
      fieldOf(() =>
        checkPriceSchedule({
          sku: "A",
          scope: "chain",
          windows: [w("2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z")],
        }),
      ),
    ).toBe("windows.0.endsAt");
    expect(fieldOf(() => checkPriceSchedule({ sku: "A", scope: "region", windows: [w()] }))).toBe("scopeKey");
  });
});

describe("CSV", () => {
  test("quotes, doubled quotes, CRLF, BOM", () => {
    expect(parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
    ]);
  });
  test("rows become records or errors naming the column", () => {
    const row = (o: Record<string, string>) => (c: string) => o[c];
    expect(fieldOf(() => rowToRecord("prices", row({ sku: "A", price: "1.50" })))).toBe("price");
    expect(
      rowToRecord("prices", row({ sku: "A", price: "150", scope: "region", scopeKey: "east" })).data,
    ).toEqual({ sku: "A", scope: "region", scopeKey: "east", windows: [{ price: 150 }] });
  });
});

describe("store view", () => {
  const cs = (id: number, version: number, extra: Partial<ChangesetRef> = {}): ChangesetRef => ({
    id,
    version,
    state: "released",
    target: { kind: "all" },
    pilotStores: [],
    promoted: true,
    ...extra,
  });
  const store = { id: "S1", region: "east", ring: "general", snapshotFloor: 0 };
  test("visibility: pilot list, promoted target, drafts never", () => {
    expect(visibleTo(store, cs(1, 1, { state: "pilot", promoted: false, pilotStores: ["P1"] }))).toBe(false);
    expect(
      visibleTo({ ...store, id: "P1" }, cs(1, 1, { state: "pilot", promoted: false, pilotStores: ["P1"] })),
    ).toBe(true);
    expect(visibleTo(store, cs(1, 1, { target: { kind: "region", regions: ["west"] } }))).toBe(false);
    expect(
      versionsFor(store, [cs(1, 1), cs(2, 3), cs(3, 2, { target: { kind: "stores", stores: ["S2"] } })]),
    ).toEqual([1, 3]);
  });
  test("fetch plan: snapshot from 0 or below the floor, else the next released version", () => {
    const pointer = { version: 5, snapshotFloor: 3 };
    expect(planFetch([1, 3, 5], pointer, { fromVersion: 0 })).toMatchObject({ kind: "snapshot", version: 5 });
    expect(planFetch([1, 3, 5], pointer, { fromVersion: 1 })).toMatchObject({ kind: "snapshot" });
    expect(planFetch([1, 3, 5], pointer, { fromVersion: 3 })).toEqual({
      kind: "delta",
      version: 5,
      fromVersion: 3,
    });
    expect(planFetch([1, 3, 5], pointer, { fromVersion: 5 })).toEqual({ kind: "up_to_date" });
    expect(planFetch([1, 3, 5], pointer, { fromVersion: 4 })).toMatchObject({ kind: "snapshot" });
    expect(planFetch([1, 3, 5], pointer, { fromVersion: 0, snapshotVersion: 3 })).toMatchObject({
      kind: "snapshot",
      version: 3,
    });
  });
  test("prices resolve chain < region < store; foreign scopes are left out", () => {
    const items = storeItems(
      store,
      [
        { entity: "price", key: "A|region|west", op: "upsert", data: {} },
        { entity: "price", key: "B|chain|", op: "upsert", data: {} },
      ],
      (sku) =>
        sku === "B"
          ? [
              { sku: "B", scope: "store", scopeKey: "S1", windows: [{ price: 90 }] },
              { sku: "B", scope: "chain", scopeKey: "", windows: [{ price: 100 }] },
            ]
          : [],
      false,
    );
    expect(items).toEqual([
      {
        op: "upsert",
        entity: "price",
        data: {
          sku: "B",
          windows: [
            { price: 100, source: "chain" },
            { price: 90, source: "store" },
          ],
        },
      },
    ]);
    expect(resolvePrice("X", [])).toBeUndefined();
  });
  test("pages are bounded by items and bytes and never empty of structure", () => {
    const items = Array.from({ length: 12 }, (_, i) => ({
      op: "delete" as const,
      entity: "product" as const,
      key: `K${i}`,
    }));
    expect(paginate(items, 5).map((p) => p.length)).toEqual([5, 5, 2]);
    expect(paginate(items, 5000, 100).every((p) => JSON.stringify(p).length <= 130)).toBe(true);
    expect(paginate([])).toEqual([[]]);
  });
});
