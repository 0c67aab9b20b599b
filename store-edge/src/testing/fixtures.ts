// Test and bench fixtures: a generated catalog (products with Chinese names and pinyin
// initials, GTINs, prices, promotions, cashiers with PIN hashes), and helpers to load it into
// an edge as HQ would (snapshot pages).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CatalogChangeSet,
  type ChangeItem,
  type Payload,
  type Promotion,
  withCheckDigit,
} from "@retail/protocol";
import { type Clock, manualClock } from "../clock.ts";
import { ConfigSchema, type EdgeConfig } from "../config.ts";
import { Edge } from "../edge.ts";

export const T0 = Date.parse("2026-11-25T02:00:00.000Z"); // 10:00 in the store (UTC+8)

export function tempDir(prefix = "edge-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const WORDS: [string, string][] = [
  ["可口可乐", "kkkl"],
  ["百事可乐", "bskl"],
  ["农夫山泉", "nfsq"],
  ["康师傅", "ksf"],
  ["统一", "ty"],
  ["蒙牛", "mn"],
  ["伊利", "yl"],
  ["旺旺", "ww"],
  ["雪碧", "xb"],
  ["红牛", "hn"],
];
const KINDS: [string, string][] = [
  ["饮料", "yl"],
  ["牛奶", "nn"],
  ["方便面", "fbm"],
  ["饼干", "bg"],
  ["矿泉水", "kqs"],
];

/** GTIN of product i: a valid EAN-13 in the 69x (China) range. */
export function gtinOf(i: number): string {
  return withCheckDigit(`69${String(i).padStart(10, "0")}`);
}

export function skuOf(i: number): string {
  return `SKU${String(i).padStart(6, "0")}`;
}

export interface CatalogOptions {
  products: number;
  promotions?: number;
  /** Weighed products (sold by the kg, with a PLU): the first `weighed` SKUs. */
  weighed?: number;
}

/** Bun.password in bcrypt at the lowest cost: verify works the same, tests stay fast. */
export function pinHash(pin: string): string {
  return Bun.password.hashSync(pin, { algorithm: "bcrypt", cost: 4 });
}

export function catalogItems(o: CatalogOptions): ChangeItem[] {
  const items: ChangeItem[] = [];
  const weighed = o.weighed ?? 0;
  for (let i = 1; i <= o.products; i++) {
    const [brand, bp] = WORDS[i % WORDS.length]!;
    const [kind, kp] = KINDS[Math.floor(i / WORDS.length) % KINDS.length]!;
    const isWeighed = i <= weighed;
    const sku = skuOf(i);
    items.push({
      op: "upsert",
      entity: "product",
      data: {
        sku,
        name: isWeighed ? `散装苹果${i}号` : `${brand}${kind}${i}`,
        category: ["10", `10${String(i % 10).padStart(2, "0")}`],
        unit: isWeighed ? "KG" : "EA",
        taxRate: i % 3 === 0 ? 9 : 13,
        weighed: isWeighed,
        ...(isWeighed ? { plu: String(i) } : {}),
        status: "active",
        pinyin: isWeighed ? `szpg${i}` : `${bp}${kp}${i}`,
      },
    });
    items.push({ op: "upsert", entity: "barcode", data: { code: gtinOf(i), sku } });
    items.push({
      op: "upsert",
      entity: "price",
      data: { sku, windows: [{ price: isWeighed ? 1280 : 100 + (i % 50) * 10, source: "chain" }] },
    });
  }
  for (let p = 1; p <= (o.promotions ?? 0); p++)
    items.push({ op: "upsert", entity: "promotion", data: promotionOf(p, o.products) });
  items.push(
    {
      op: "upsert",
      entity: "cashier",
      data: { id: "1001", name: "王芳", role: "cashier", pinHash: pinHash("1234"), status: "active" },
    },
    {
      op: "upsert",
      entity: "cashier",
      data: { id: "9001", name: "李经理", role: "supervisor", pinHash: pinHash("9999"), status: "active" },
    },
    {
      op: "upsert",
      entity: "member",
      data: { id: "M001", phone: "13800138000", name: "张三", tier: "gold", points: 0, status: "active" },
    },
    {
      op: "upsert",
      entity: "promotion",
      data: { id: "P-CPN10", kind: "threshold", min: 100, off: 10, couponCode: "CPN10" },
    },
    { op: "upsert", entity: "coupon", data: { code: "CPN10", promotionId: "P-CPN10", status: "issued" } },
  );
  return items;
}

/** A mix of promotion kinds, each on a few SKUs. */
export function promotionOf(p: number, products: number): Promotion {
  const skus = [skuOf(1 + ((p * 7) % products)), skuOf(1 + ((p * 13) % products))];
  switch (p % 4) {
    case 0:
      return { id: `P${p}`, kind: "percent_off", percent: 10, skus };
    case 1:
      return { id: `P${p}`, kind: "multi_buy", count: 3, price: 250, skus };
    case 2:
      return { id: `P${p}`, kind: "special_price", price: 90, skus };
    default:
      return { id: `P${p}`, kind: "buy_x_get_y", buy: 2, get: 1, skus };
  }
}

/** Cuts items into change-set pages as HQ would (at most 5,000 items per page). */
export function pagesOf(
  kind: "delta" | "snapshot",
  version: number,
  fromVersion: number,
  items: ChangeItem[],
  perPage = 5000,
  effectiveAt?: string,
): CatalogChangeSet[] {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  return Array.from({ length: pages }, (_, page) => ({
    kind,
    version,
    fromVersion,
    page,
    pages,
    ...(effectiveAt ? { effectiveAt } : {}),
    items: items.slice(page * perPage, (page + 1) * perPage),
  }));
}

/** Applies change-set pages straight into the replica (what the link does on arrival). */
export function applyPages(edge: Edge, pages: CatalogChangeSet[]): void {
  for (const p of pages) edge.replica.stage(p);
  edge.replica.applyStaged();
}

export function testConfig(over: Partial<EdgeConfig> = {}): EdgeConfig {
  return { ...ConfigSchema.parse({}), ...over };
}

/** An unenrolled edge in a temp dir with a catalog loaded and lane 1 signed in with a shift. */
export async function readyEdge(
  o: CatalogOptions & { clock?: Clock; dataDir?: string; config?: Partial<EdgeConfig> } = { products: 50 },
): Promise<Edge> {
  const edge = new Edge({
    dataDir: o.dataDir ?? tempDir(),
    config: testConfig(o.config),
    clock: o.clock ?? manualClock(T0),
  });
  if (edge.replica.applied === 0) applyPages(edge, pagesOf("snapshot", 1, 0, catalogItems(o)));
  return edge;
}

export async function openLane(edge: Edge, lane = "1", float = 10000): Promise<void> {
  await edge.staff.login(lane, "1001", "1234");
  if (!edge.lanes.view(lane).shift) edge.shifts.openShift(lane, float);
}

/** Waits for a condition (no timed assertions): polls until true or fails after `ms`. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await Bun.sleep(10);
  }
}

/**
 * Rings up on a lane until `busy` settles: a scan every `everyMs` (the cart is saved on each)
 * and a cash sale every 5th scan. A sample is the time from when the write was due to when it
 * returned, so a stalled event loop (a writer held by something else) counts in full.
 */
export async function laneWhile(
  edge: Edge,
  busy: Promise<unknown>,
  o: { skus: number; everyMs?: number; lane?: string },
): Promise<{ samples: number[]; sales: number; scans: number; salePoints: number }> {
  let done = false;
  void busy.finally(() => {
    done = true;
  });
  const lane = o.lane ?? "1";
  const samples: number[] = [];
  let sales = 0;
  let scans = 0;
  // How far the shadow build was at each sale: sales at several points prove the lane was
  // served between the steps, whatever the machine's speed.
  const points = new Set<number>();
  while (!done) {
    const due = performance.now() + (o.everyMs ?? 5);
    await Bun.sleep(o.everyMs ?? 5);
    if (done) break;
    await edge.scanner.scan(lane, gtinOf(1 + (scans % o.skus)));
    scans++;
    if (scans % 5 === 0 && edge.sales.tenderCash(lane, 10_000_000).sale) {
      sales++;
      const written = edge.replica.progress().building?.items;
      if (written) points.add(written);
    }
    samples.push(performance.now() - due);
  }
  await busy;
  return { samples, sales, scans, salePoints: points.size };
}

/** The audit events in the edge's outbox (audit.recorded payloads), oldest first. */
export function auditsOf(edge: Edge): Payload<"audit.recorded">[] {
  return edge.outbox
    .range(1, Number.MAX_SAFE_INTEGER, 1_000_000)
    .filter((r) => r.type === "audit.recorded")
    .map((r) => JSON.parse(r.envelope).payload);
}
