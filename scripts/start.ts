// `npm start`: the whole chain on embedded defaults. The HQ hub (embedded aedes, libSQL file),
// three demo stores in two regions (S001 in the pilot ring), each a store edge with two lanes
// of simulated devices, seeded once with a Chinese supermarket's catalog. Data lives in
// ./data (RETAIL_DATA to move it); a second start keeps it. `npm start -- --traffic` adds
// simulated cashiers ringing up baskets. Ctrl-C stops everything cleanly. Ports: HQ_PORT,
// HQ_MQTT_PORT, HQ_MQTTS_PORT, DEMO_EDGE_PORT (the first edge's; 0 = any free port).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { demoCatalog } from "./demo/catalog.ts";
import { DEMO_CASHIERS, DEMO_COUPONS, DEMO_MEMBER_COUPONS, DEMO_MEMBERS, DEMO_STORES } from "./demo/chain.ts";
import { runMonthClose } from "./demo/close.ts";
import { redeemDemoCampaign, seedDemoMembers } from "./demo/members.ts";
import { runPayables } from "./demo/payables.ts";
import { runReconciliation } from "./demo/reconciliation.ts";
import { runOpeningStock } from "./demo/stock.ts";
import { runSupplyStory, STORY_STORE } from "./demo/supply.ts";
import { runTraffic } from "./demo/traffic.ts";
import { type Ready, spawnReady } from "./proc.ts";

const root = resolve(import.meta.dir, "..");
const dataDir = resolve(process.env.RETAIL_DATA ?? join(root, "data"));
const bun = process.execPath;
const traffic = process.argv.includes("--traffic");
mkdirSync(dataDir, { recursive: true });

/** The preferred port when free, else one the OS picks. */
const enrolledOverTls = (cfg: Record<string, unknown>) =>
  String((cfg.enrollment as { mqtt?: { url?: string } } | undefined)?.mqtt?.url ?? "").startsWith("mqtts:");

async function port(preferred: number): Promise<number> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once("error", () => res(0));
    srv.listen(preferred, "0.0.0.0", () => srv.close(() => res(preferred)));
  });
}

const tokenFile = join(dataDir, "admin-token");
if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomBytes(24).toString("hex"), { mode: 0o600 });
const adminToken = readFileSync(tokenFile, "utf8").trim();

async function api<T>(hq: string, method: string, path: string, body?: unknown, text?: string): Promise<T> {
  const res = await fetch(`${hq}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminToken}`,
      "content-type": text ? "text/csv" : "application/json",
    },
    ...(text !== undefined ? { body: text } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const out = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${out.slice(0, 400)}`);
  return (out ? JSON.parse(out) : {}) as T;
}

const csvCell = (v: unknown) => {
  const s = v === undefined || v === null ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string[], rows: unknown[][]) =>
  [header.join(","), ...rows.map((r) => r.map(csvCell).join(","))].join("\n") + "\n";

async function importCsv(hq: string, kind: string, body: string, changeset: number): Promise<void> {
  const job = await api<{ id: string }>(
    hq,
    "POST",
    `/api/v1/imports/${kind}?changeset=${changeset}`,
    undefined,
    body,
  );
  for (;;) {
    const j = await api<{ state: string; errors?: unknown[]; percent?: number }>(
      hq,
      "GET",
      `/api/v1/imports/${job.id}`,
    );
    if (j.state === "done" || j.state === "succeeded" || j.state === "completed") return;
    if (j.state === "failed")
      throw new Error(`import ${kind} failed: ${JSON.stringify(j.errors).slice(0, 600)}`);
    await Bun.sleep(200);
  }
}

/** First start only: stores, catalog, promotions, cashiers, members; one change set for all. */
async function seed(hq: string): Promise<Record<string, string>> {
  const codes: Record<string, string> = {};
  for (const s of DEMO_STORES) {
    await api(hq, "POST", "/api/v1/stores", {
      id: s.id,
      name: s.name,
      region: s.region,
      address: s.address,
      ring: s.ring === "pilot" ? "pilot" : "general",
    });
    codes[s.id] = (await api<{ code: string }>(hq, "POST", `/api/v1/stores/${s.id}/enrollment-code`)).code;
  }
  const cat = demoCatalog();
  const cs = await api<{ id: number }>(hq, "POST", "/api/v1/changesets", {
    description: "演示商品目录 demo catalog",
    target: { kind: "all" },
  });
  console.log(
    `seeding ${cat.products.length} products, ${cat.barcodes.length} barcodes, ${cat.promotions.length} promotions ...`,
  );
  await importCsv(
    hq,
    "products",
    csv(
      ["sku", "name", "category", "unit", "taxRate", "weighed", "status", "nameEn", "plu", "pinyin"],
      cat.products.map((p) => [
        p.sku,
        p.name,
        p.category.join("/"),
        p.unit,
        p.taxRate,
        p.weighed,
        p.status,
        p.nameEn,
        p.plu,
        p.pinyin,
      ]),
    ),
    cs.id,
  );
  await importCsv(
    hq,
    "barcodes",
    csv(
      ["code", "sku"],
      cat.barcodes.map((b) => [b.code, b.sku]),
    ),
    cs.id,
  );
  await importCsv(
    hq,
    "prices",
    csv(
      ["sku", "price"],
      cat.prices.map((p) => [p.sku, p.windows[0]!.price]),
    ),
    cs.id,
  );
  for (const p of cat.promotions) await api(hq, "POST", `/api/v1/catalog/promotion?changeset=${cs.id}`, p);
  for (const c of DEMO_CASHIERS)
    await api(hq, "POST", `/api/v1/catalog/cashier?changeset=${cs.id}`, {
      id: c.id,
      name: c.name,
      role: c.role,
      pin: c.pin,
      status: "active",
    });
  for (const m of DEMO_MEMBERS)
    await api(hq, "POST", `/api/v1/catalog/member?changeset=${cs.id}`, { ...m, status: "active" });
  for (const c of DEMO_COUPONS) await api(hq, "POST", `/api/v1/catalog/coupon?changeset=${cs.id}`, c);
  await api(hq, "POST", `/api/v1/changesets/${cs.id}/release`, { stage: "all" });
  // One-time member coupons, issued the way HQ staff do it (coupons API / 优惠券 screen).
  await api(hq, "POST", "/api/v1/coupons/issue", {
    promotionId: DEMO_MEMBER_COUPONS.promotionId,
    memberIds: [...DEMO_MEMBER_COUPONS.memberIds],
    codes: [...DEMO_MEMBER_COUPONS.codes],
  });
  await seedDemoMembers(<T>(method: string, path: string, body?: unknown) => api<T>(hq, method, path, body));
  return codes;
}

const procs: Ready<Record<string, string>>[] = [];
let stopping = false;
async function stopAll(code = 0): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log("\nstopping ...");
    for (const p of [...procs].reverse()) await p.stop();
  }
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

try {
  // The terminal UI is served by each edge; build it when missing or stale.
  const ensure = join(root, "terminal-ui/scripts/ensure-build.ts");
  if (existsSync(ensure)) spawnSync(bun, [ensure], { stdio: "inherit", cwd: join(root, "terminal-ui") });
  // The HQ console is served by the hub at "/"; same rule.
  const ensureConsole = join(root, "hq-console/scripts/ensure-build.ts");
  if (existsSync(ensureConsole))
    spawnSync(bun, [ensureConsole], { stdio: "inherit", cwd: join(root, "hq-console") });
  const consoleDir = join(root, "hq-console/build");

  const hqPort = await port(Number(process.env.HQ_PORT ?? 8080));
  const mqttPort = await port(Number(process.env.HQ_MQTT_PORT ?? 1883));
  // The stores connect over mutual TLS with the chain CA (docs/appliance.md "Transport security").
  const mqttsPort = await port(Number(process.env.HQ_MQTTS_PORT ?? 8883));
  const hub = await spawnReady<{ http: string; mqtt: string; mqtts?: string }>(
    "hq",
    [
      bun,
      join(root, "hq-hub/src/cli.ts"),
      "serve",
      "--port",
      String(hqPort),
      "--mqtt-port",
      String(mqttPort),
      "--mqtts-port",
      String(mqttsPort),
      "--data",
      join(dataDir, "hq"),
    ],
    "HQ_READY",
    {
      // A fresh hub migrates its database first; on a busy machine that took over 30 s.
      timeoutMs: 180_000,
      env: {
        HQ_ADMIN_TOKEN: adminToken,
        ...(existsSync(join(consoleDir, "index.html")) ? { HQ_CONSOLE_DIR: consoleDir } : {}),
      },
    },
  );
  procs.push(hub as never);
  const hq = hub.info.http;

  const marker = join(dataDir, "demo.json");
  let codes: Record<string, string> = {};
  if (!existsSync(marker)) {
    codes = await seed(hq);
    writeFileSync(
      marker,
      JSON.stringify({ seededAt: new Date().toISOString(), stores: DEMO_STORES.map((s) => s.id) }, null, 2),
    );
  }

  const edges: { id: string; name: string; http: string }[] = [];
  for (const [i, s] of DEMO_STORES.entries()) {
    const dir = join(dataDir, s.id);
    mkdirSync(dir, { recursive: true });
    if (
      !existsSync(join(dir, "store-edge.json")) ||
      !JSON.parse(readFileSync(join(dir, "store-edge.json"), "utf8")).enrollment
    ) {
      const code =
        codes[s.id] ??
        (await api<{ code: string }>(hq, "POST", `/api/v1/stores/${s.id}/enrollment-code`)).code;
      const r = spawnSync(
        bun,
        [join(root, "store-edge/src/cli.ts"), "enroll", "--hq", hq, "--code", code, "--data", dir],
        { encoding: "utf8" },
      );
      if (r.status !== 0) throw new Error(`enroll ${s.id}: ${r.stderr || r.stdout}`);
    }
    // Two lanes, each with firmware-bridge's wire simulators (scanner and scale on PTYs, an
    // ESC/POS printer with its drawer on TCP, a pole display), driven through the real drivers.
    const cfgFile = join(dir, "store-edge.json");
    const cfg = JSON.parse(readFileSync(cfgFile, "utf8")) as Record<string, unknown>;
    cfg.lanes = {
      "1": { mode: "bridge-sim", sim: { scaleProtocol: "toledo8217", paper: 80 } },
      "2": { mode: "bridge-sim", sim: { scaleProtocol: "mtsics", paper: 58 } },
    };
    // The daily completeness proof (HQ console 完整性核对): a running digest of today every
    // minute, so the demo shows its store-days at once (a store's default is every 15 min).
    cfg.digest = { runningIntervalSeconds: 60, tickSeconds: 10 };
    writeFileSync(cfgFile, JSON.stringify(cfg, null, 2));
    // DEMO_EDGE_PORT=0: every edge on a port the OS picks (tests/demo/ starts the demo so).
    const edgeBase = Number(process.env.DEMO_EDGE_PORT ?? 8101);
    const edgePort = edgeBase === 0 ? 0 : await port(edgeBase + i);
    const staticDir = join(root, "terminal-ui/build");
    const edge = await spawnReady<{ http: string }>(
      s.id,
      [bun, join(root, "store-edge/src/cli.ts"), "serve", "--port", String(edgePort), "--data", dir],
      "EDGE_READY",
      {
        timeoutMs: 180_000,
        env: {
          ...(existsSync(staticDir) ? { STORE_EDGE_STATIC_DIR: staticDir } : {}),
          // The broker's port may differ from the last run's (a busy port): same listener kind as enrolled.
          ...(enrolledOverTls(cfg) && hub.info.mqtts ? { STORE_EDGE_MQTT_URL: hub.info.mqtts } : {}),
        },
      },
    );
    procs.push(edge as never);
    edges.push({ id: s.id, name: s.name, http: edge.info.http });
  }

  console.log("\nThe chain is running (data in %s):", dataDir);
  console.log(`  HQ console  ${hq}/  (sign in with the token below)`);
  console.log(
    `  HQ API      ${hq}/api/v1  (reference ${hq}/api/v1/reference, OpenAPI ${hq}/api/v1/openapi.json; bearer token in ${tokenFile})`,
  );
  console.log(`  MQTT broker ${hub.info.mqtt}${hub.info.mqtts ? `, stores over TLS ${hub.info.mqtts}` : ""}`);
  for (const e of edges) {
    for (const lane of ["1", "2"]) {
      console.log(
        `  ${e.id} ${e.name} lane ${lane}: ${e.http}/?lane=${lane}   customer display ${e.http}/display?lane=${lane}`,
      );
    }
  }
  console.log("  cashiers: 1001 / 1002 (PIN 1234), supervisor 9001 (PIN 9999)");
  console.log("Ctrl-C to stop.");
  // One machine-readable line, like the processes' own READY lines (tests/demo/ reads it).
  console.log(
    `DEMO_READY ${JSON.stringify({ hq, stores: Object.fromEntries(edges.map((e) => [e.id, e.http])) })}`,
  );
  // Opening stock first (the edges' receivings), then the lanes' traffic sells from it.
  let storyStoreIn = () => {};
  const storyStore = new Promise<void>((r) => (storyStoreIn = r));
  const opened = runOpeningStock(
    hq,
    adminToken,
    dataDir,
    edges,
    () => stopping,
    (id) => {
      if (id === STORY_STORE) storyStoreIn();
    },
  );
  if (traffic) void opened.then(() => runTraffic(edges, () => stopping));
  // The replenishment story once S001 has its stock: history imported, the scheduled run,
  // S001's orders in every state (scripts/demo/supply.ts).
  void Promise.race([storyStore, opened]).then(() =>
    runSupplyStory(hq, adminToken, dataDir, edges, () => stopping),
  );
  void runReconciliation(hq, adminToken, dataDir, edges, () => stopping);
  void runPayables(hq, adminToken, edges, () => stopping);
  void redeemDemoCampaign(
    <T>(method: string, path: string, body?: unknown) => api<T>(hq, method, path, body),
    edges,
    () => stopping,
  ).catch((e) => console.error(`[campaign] ${(e as Error).message}`));
  void runMonthClose(hq, adminToken);
} catch (e) {
  console.error(`npm start: ${(e as Error).message}`);
  await stopAll(1);
}
