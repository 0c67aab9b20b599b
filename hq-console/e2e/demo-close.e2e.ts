// The demo's month-end close (scripts/demo/close.ts, run by `npm start`) against a real hub: a
// store enrolled this month whose last month holds a receipt never invoiced and a cash sale
// (sent over MQTT with last month's dates). The script runs last month's checklist (posting,
// the month-end accrual, a Kingdee export, the checklist again, every passed step confirmed) and
// closes it; the console's 月结 screen, which opens on last month, shows it closed with every
// step passed and confirmed, in Chinese and in English.
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { signInPage } from "./lib/console.ts";
import { ADMIN_TOKEN, until } from "./lib/procs.ts";
import { eventEnvelope, saleEnvelope } from "./lib/store.ts";
import { test } from "./lib/test.ts";

const STORE = "S001";
const ROOT = resolve(import.meta.dirname, "../..");

/** Last month in China time, as the script takes it. */
function previousMonth(): string {
  const d = new Date(Date.now() + 8 * 3_600_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

/** Runs the demo's script as `npm start` would (its own process, the hub's URL and token). */
function runMonthClose(http: string, period: string) {
  const r = spawnSync(
    process.execPath.includes("bun") ? process.execPath : join(ROOT, "node_modules/.bin/bun"),
    [join(ROOT, "scripts/demo/close.ts"), http, period],
    {
      env: { ...process.env, HQ_ADMIN_TOKEN: ADMIN_TOKEN },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  const lines = r.stdout.trim().split("\n");
  return {
    status: r.status,
    log: lines.slice(0, -1),
    checklist: JSON.parse(lines.at(-1) ?? "null") as {
      state: string;
      steps: { id: string; summary: string }[];
    } | null,
  };
}

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console: the demo closes last month", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let http = "";
  let page: Page;
  const period = previousMonth();
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    bed = await startBed("demo-close");
    http = bed.http;
    const enrolled = await bed.enrol({ id: STORE, name: "上海徐汇店", region: "east" });
    const cs = await api<{ id: number }>("POST", "/api/v1/changesets", {
      target: { kind: "all" },
      description: "目录",
    });
    await api("POST", `/api/v1/catalog/product?changeset=${cs.id}`, {
      sku: "P100",
      name: "可口可乐 500ml",
      category: ["10", "1001"],
      unit: "EA",
      taxRate: 13,
      weighed: false,
      status: "active",
    });
    await api("POST", `/api/v1/changesets/${cs.id}/release`, { stage: "all" });
    await bed.supplier({ id: "SUP1", name: "供应商" }, { P100: 700 });
    const wire = await bed.connect(enrolled);
    const at = `${period}-15T10:00:00.000+08:00`;
    const receipt = {
      ...eventEnvelope(STORE, 1, "receiving.confirmed", {
        receivingId: "RC-1",
        supplierId: "SUP1",
        confirmedBy: "1001",
        lines: [{ sku: "P100", qty: 10 }],
        confirmedAt: at,
      }),
      occurredAt: at,
    };
    const sale = saleEnvelope(STORE, 2, [{ sku: "P100", name: "可口可乐 500ml", priceFen: 1234 }], 0);
    Object.assign(sale.payload, {
      businessDay: `${period}-15`,
      completedAt: `${period}-15T11:00:00.000+08:00`,
    });
    await wire.publish("events", [receipt, sale]);
    await until(
      async () => (await api<unknown[]>("GET", `/api/v1/stores/${STORE}/sales`)).length === 1,
      20_000,
      "the sale at HQ",
    );
    ({ page } = await bed.browse(browser));
  });

  test.afterAll(async () => {
    await bed?.close();
  });

  test("the script closes last month through the checklist; 月结 shows it closed, every step confirmed", async () => {
    const run = runMonthClose(http, period);
    const closed = run.checklist;
    assert(run.status === 0 && closed?.state === "closed", `closed: ${run.log.join(" | ")}`);
    // What it closed had something in it: the sale's voucher, the receipt accrued at 7.00 x 10.
    const receipts = closed.steps.find((s) => s.id === "receipts_invoiced")!;
    assert(receipts.summary.includes("1 accrued (70.00 yuan"), receipts.summary);
    const periods = await api<{ period: string; status: string }[]>("GET", "/api/v1/finance/periods");
    assert(
      periods.some((p) => p.period === period && p.status === "closed"),
      "the books are closed",
    );
    // A second start finds it closed and does nothing.
    const again = runMonthClose(http, period);
    assert(again.log.join() === `[close] ${period} is closed (console 月结)`, again.log.join());

    await signInPage(page, http);
    await page.getByRole("link", { name: "月结", exact: true }).click();
    // The screen opens on last month (set it anyway: the browser's month may differ from China's at a month's turn).
    await page.getByTestId("close-period").fill(period);
    await page.getByTestId("close-state").filter({ hasText: "已结账" }).waitFor();
    const steps = page.getByTestId("close-steps");
    await steps.waitFor();
    const rows = steps.locator("tr[data-step]");
    assert((await rows.count()) === 7, "seven steps");
    for (const status of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-status"))))
      assert(status === "passed", `every step passed (${status})`);
    await steps.locator('tr[data-step="receipts_invoiced"]').filter({ hasText: "1 accrued" }).waitFor();
    await page.getByTestId("close-audit").filter({ hasText: "admin" }).waitFor();
    await page.getByTestId("lang").click();
    await page.getByTestId("close-state").filter({ hasText: "closed" }).waitFor();
    await page.getByTestId("lang").click();
  });
});
