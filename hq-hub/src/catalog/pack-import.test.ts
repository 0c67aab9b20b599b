// Pack levels by CSV (issue 17 item 6) through the hub's import path: a good file sets each
// product's levels (GTINs normalised like the editor does) into one draft change set; a file
// with bad rows is refused whole, every bad row named with its column (a rule about a product's
// levels names the level's row); a re-import of the product file keeps the packs it has.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, importCsv as importKit, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
const product = (sku: string, extra: Record<string, unknown> = {}) => ({
  sku,
  name: `可乐${sku}`,
  category: ["10", "1001"],
  unit: "BTL",
  taxRate: 13,
  weighed: false,
  status: "active",
  ...extra,
});

const importCsv = (kind: string, csv: string) => importKit(hub, kind, csv);
const packsOf = async (sku: string) => (await api(hub, "GET", `/api/v1/products/${sku}/packs`)).body.packs;

beforeAll(async () => {
  hub = await startTestHub();
  for (const p of [
    product("COLA"),
    product("SODA"),
    product("TEA"),
    ...["P1", "P2", "P3", "P4", "P5", "P6", "P7"].map((sku) => product(sku)),
    product("BANANA", { unit: "KG", weighed: true }),
  ])
    expect((await api(hub, "POST", "/api/v1/catalog/product", p)).status).toBe(200);
  expect(
    (await api(hub, "POST", "/api/v1/catalog/barcode", { code: "6901234567892", sku: "COLA" })).status,
  ).toBe(200);
});
afterAll(async () => {
  await hub.cleanup();
});

describe("packs by CSV", () => {
  test("a good file: each product's rows become its levels, GTINs normalised, in one draft", async () => {
    const job = await importCsv(
      "packs",
      "sku,qty,name,code,purchase\r\nCOLA,12,箱,16901234567899,true\r\nCOLA,6,六连包,06901234567809,\r\nSODA,24,箱,,是\r\n",
    );
    expect(job).toMatchObject({ state: "done", errors: [] });
    expect(job.changesetId).toBeGreaterThan(0);
    expect(await packsOf("COLA")).toEqual([
      { qty: 12, name: "箱", code: "16901234567899", purchase: true },
      { qty: 6, name: "六连包", code: "6901234567809" },
    ]);
    expect(await packsOf("SODA")).toEqual([{ qty: 24, name: "箱", purchase: true }]);
    const cs = (await api(hub, "GET", `/api/v1/changesets/${job.changesetId}`)).body;
    expect(cs.changeset).toMatchObject({ state: "draft", description: "import packs (2 rows)" });
    // The rest of the record is untouched.
    expect((await api(hub, "GET", "/api/v1/catalog/product/COLA")).body).toMatchObject({
      name: "可乐COLA",
      unit: "BTL",
    });
  });

  test("bad rows are named with their column; nothing of the file is applied", async () => {
    const rows = [
      "sku,qty,name,code,purchase",
      "P1,12.5,箱,,", // 1 qty
      "P1,12,箱,,maybe", // 2 purchase
      "NOPE,12,箱,,", // 3 sku
      "P2,24,箱,6901234567892,", // 4 code: COLA's unit barcode
      "P3,12,箱,,true", // 5
      "P3,6,包,,true", // 6 purchase: a second purchase pack of P3
      "BANANA,10,箱,,", // 7 sku: weighed goods
      "P4,1,单,,", // 8 qty: a pack holds at least 2
      "P5,12,箱,16901234567905,true", // 9 fine alone...
      "P6,24,箱,16901234567905,", // 10 code: ...but this file gives the code to P5 (row 9) too
      "P1,24,箱", // 11 field count
      "P7,6,包,16901234567900,", // 12 code: a bad check digit
      "SODA,12,箱,16901234567899,", // 13 code: COLA's case (from the first file)
      "TEA,12,箱,,", // 14 fine, but nothing is applied while any row is bad
    ];
    const job = await importCsv("packs", `${rows.join("\n")}\n`);
    expect(job.state).toBe("failed");
    expect(job.changesetId).toBeNull();
    const named = job.errors.map((e) => [e.row, e.column]);
    expect(named).toEqual([
      [1, "qty"],
      [2, "purchase"],
      [3, "sku"],
      [4, "code"],
      [6, "purchase"],
      [7, "sku"],
      [8, "qty"],
      [10, "code"],
      [11, ""],
      [12, "code"],
      [13, "code"],
    ]);
    const reason = (row: number) => job.errors.find((e) => e.row === row)!.reason;
    expect(reason(4)).toContain("unit barcode of SKU COLA");
    expect(reason(7)).toContain("weighed");
    expect(reason(10)).toContain("row 9");
    expect(reason(13)).toContain("COLA's pack of 12");
    expect(await packsOf("TEA")).toEqual([]);
    expect(await packsOf("SODA")).toEqual([{ qty: 24, name: "箱", purchase: true }]);
  });

  test("garbage: a wrong header, an empty file, a huge quantity", async () => {
    const header = await api(hub, "POST", "/api/v1/imports/packs", "sku,qty\nTEA,12\n");
    expect(header.status).toBe(400);
    expect(header.body.message).toContain("name");
    const extra = await api(hub, "POST", "/api/v1/imports/packs", "sku,qty,name,priceFen\nTEA,12,箱,100\n");
    expect(extra.status).toBe(400);
    expect(extra.body.message).toContain("priceFen");
    const empty = await api(hub, "POST", "/api/v1/imports/packs", "");
    expect(empty.status).toBe(400);
    const huge = await importCsv("packs", "sku,qty,name\nTEA,99999999999,箱\nTEA,20000,箱\n");
    expect(huge.errors.map((e) => [e.row, e.column])).toEqual([
      [1, "qty"],
      [2, "qty"],
    ]);
  });

  test("re-importing the product file keeps each product's packs; a product with packs cannot become weighed", async () => {
    const csv = (weighed: string, unit: string) =>
      `sku,name,category,unit,taxRate,weighed,status\nCOLA,可口可乐,10/1001,${unit},13,${weighed},active\n`;
    const ok = await importCsv("products", csv("false", "BTL"));
    expect(ok.state).toBe("done");
    expect((await api(hub, "GET", "/api/v1/catalog/product/COLA")).body.name).toBe("可口可乐");
    expect((await packsOf("COLA")).map((p: { qty: number }) => p.qty)).toEqual([12, 6]);
    const weighed = await importCsv("products", csv("true", "KG"));
    expect(weighed.state).toBe("failed");
    expect(weighed.errors[0]).toMatchObject({ row: 1, column: "weighed" });
    expect(weighed.errors[0]!.reason).toContain("pack level");
  });
});
