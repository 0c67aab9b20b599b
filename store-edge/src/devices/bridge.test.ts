// The store edge on firmware-bridge, end to end over real wires: two "bridge-sim" lanes whose
// scanner, scale and pole display sit on PTYs (socat) and whose printer listens on TCP
// 127.0.0.1, all opened through the bridge adapter exactly as a real store's devices are. The
// terminal's HTTP API and the lane messages are checked, and what the printer simulator decoded
// from the ESC/POS bytes. Conditions are waited for with timeouts; no timing is asserted.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { ConfigSchema } from "../config.ts";
import { Edge } from "../edge.ts";
import { serveEdge } from "../http/server.ts";
import type { LaneMessage } from "../lanes/lanes.ts";
import { gtinOf, openLane, readyEdge, tempDir, testConfig, until } from "../testing/fixtures.ts";
import { type BridgeDevices, parseBridgeConfig } from "./bridge.ts";
import {
  type BridgeSimDevices,
  type PrintedView,
  parseSimOptions,
  type WireSimulators,
} from "./bridge-sim.ts";

setDefaultTimeout(120_000);

let edge: Edge;
let server: ReturnType<typeof serveEdge>;
let http: string;
const messages = new Map<string, LaneMessage[]>();

/** Each lane's cashier session, from its sign-in over HTTP. */
const tokens: Record<string, string> = {};
const authorization = (path: string) => `Bearer ${tokens[/\/lanes\/(\d+)/.exec(path)?.[1] ?? "1"] ?? ""}`;
/** A call with the session of the lane in the path. */
async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
  const res = await fetch(`${http}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: authorization(path) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    body: (await res.json()) as T & { error?: string; field?: string; message?: string },
  };
}
const devices = (lane: string) => edge.lanes.devices(lane) as BridgeSimDevices;
const sims = (lane: string): Promise<WireSimulators> => devices(lane).sims;
const msgs = (lane: string) => messages.get(lane) ?? [];
let cashReceipt = "";
const yuan = (fen: number) => `￥${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

async function allReady(lane: string): Promise<void> {
  await until(
    () => {
      const h = edge.lanes.devices(lane).health();
      return h.length === 5 && h.every((d) => d.state === "ready");
    },
    30_000,
    `lane ${lane}'s devices ready (${JSON.stringify(edge.lanes.devices(lane).health())})`,
  );
}

async function printedFor(lane: string, receiptNo: string): Promise<PrintedView[]> {
  const r = await call<{ printed: PrintedView[] }>("GET", `/lanes/${lane}/sim/printed`);
  return r.body.printed.filter((p) => p.receiptNo === receiptNo);
}

const printResult = (lane: string, receiptNo: string) =>
  msgs(lane).find((m) => m.type === "print" && m.receiptNo === receiptNo) as
    | Extract<LaneMessage, { type: "print" }>
    | undefined;

beforeAll(async () => {
  edge = await readyEdge({
    products: 30,
    weighed: 2,
    config: {
      lanes: ConfigSchema.parse({ lanes: { "1": { mode: "bridge-sim" }, "2": { mode: "bridge-sim" } } })
        .lanes,
    },
  });
  for (const lane of ["1", "2"]) {
    messages.set(lane, []);
    edge.lanes.subscribe(lane, (m) => msgs(lane).push(m));
  }
  await allReady("1");
  await allReady("2");
  await openLane(edge, "1");
  await openLane(edge, "2");
  server = serveEdge(edge, { port: 0, host: "127.0.0.1" });
  http = `http://127.0.0.1:${server.port}`;
  for (const lane of ["1", "2"])
    tokens[lane] = (
      await call<{ session: { token: string } }>("POST", `/lanes/${lane}/login`, {
        cashierId: "1001",
        pin: "1234",
      })
    ).body.session.token;
});

afterAll(async () => {
  server?.stop(true);
  await edge?.stop();
});

describe("a bridge-sim lane: real codecs and transports carry every byte", () => {
  test("the lane's devices are reported ready in the lane view and the store status", async () => {
    const r = await call<{ devices: { kind: string; state: string }[] }>("GET", "/lanes/1/devices");
    expect(r.body.devices.map((d) => d.kind).sort()).toEqual([
      "display",
      "drawer",
      "printer",
      "scale",
      "scanner",
    ]);
    const status = edge.storeStatus();
    expect(status.devices.filter((d) => d.laneId === "1" && d.state === "ready").length).toBe(5);
  });

  test("a scan written into the scanner PTY adds the product", async () => {
    const r = await call<{ ok: boolean; seen: boolean }>("POST", "/lanes/1/sim/scan", { code: gtinOf(5) });
    expect(r.status).toBe(200);
    expect(r.body.seen).toBe(true);
    await until(() => edge.lanes.view("1").cart.lines.some((l) => l.sku === "SKU000005"), 10_000, "line");
    expect(msgs("1").some((m) => m.type === "device" && m.event.type === "scan")).toBe(true);
    // The same code from a wire with an AIM symbology id in front.
    await call("POST", "/lanes/1/sim/scan", { code: gtinOf(6), aim: "]E0" });
    await until(() => edge.lanes.view("1").cart.lines.some((l) => l.sku === "SKU000006"), 10_000, "AIM line");
    // The customer display shows the current item and the amount due.
    expect(edge.lanes.view("1").cart.lines.length).toBe(2);
    const name = edge.lanes.view("1").cart.lines[1]!.name;
    const display = (await sims("1")).display;
    await until(
      () => display.shown.some(([a, b]) => a.startsWith(name) && b.startsWith("合计 TOTAL")),
      10_000,
      `display showing ${name} (${JSON.stringify(display.shown.at(-1))})`,
    );
  });

  test("a weighed item sells only at a stable weight from the scale simulator", async () => {
    let r = await call("POST", "/lanes/1/sim/weight", { grams: 1234, stable: false });
    expect(r.body).toMatchObject({ ok: true, seen: true });
    expect(edge.lanes.devices("1").weight()?.stable).toBe(false);
    r = await call("POST", "/lanes/1/items", { sku: "SKU000001" });
    expect(r.status).toBe(409);
    expect(r.body.field).toBe("weight");
    r = await call("POST", "/lanes/1/sim/weight", { grams: 1234, stable: true });
    expect(r.body).toMatchObject({ ok: true, seen: true });
    const w = edge.lanes.devices("1").weight();
    expect(w).toMatchObject({ grams: 1234, stable: true, status: "stable" });
    r = await call("POST", "/lanes/1/items", { sku: "SKU000001" });
    expect(r.status).toBe(200);
    const line = edge.lanes.view("1").cart.lines.find((l) => l.sku === "SKU000001");
    expect(line?.qty).toBe(1234);
    expect(
      msgs("1").some(
        (m) => m.type === "device" && m.event.type === "weight" && m.event.weight.status === "motion",
      ),
    ).toBe(true);
    // Off the scale: zero through the Toledo 8217 'Z' command.
    await call("POST", "/lanes/1/sim/weight", { grams: 0, stable: true });
    expect((await call("POST", "/lanes/1/devices/scale/zero")).status).toBe(200);
    expect((await sims("1")).scale.received).toContain("zero");
  });

  test("a cash sale prints a receipt the printer simulator decodes, and kicks the drawer", async () => {
    const printer = (await sims("1")).printer;
    const kicks = printer.drawerKicks;
    const view = edge.lanes.view("1");
    const r = await call<{ sale: { receiptNo: string; totals: { net: number } } }>(
      "POST",
      "/lanes/1/tenders",
      {
        kind: "cash",
        received: Math.ceil(view.remaining / 10000) * 10000,
      },
    );
    expect(r.status).toBe(200);
    const { receiptNo, totals } = r.body.sale;
    cashReceipt = receiptNo;
    await until(() => printResult("1", receiptNo) !== undefined, 30_000, "print result");
    expect(printResult("1", receiptNo)?.ok).toBe(true);
    const [printed] = await printedFor("1", receiptNo);
    expect(printed).toBeDefined();
    const text = printed!.text;
    expect(text).toContain(receiptNo);
    expect(text).toContain(`[CODE128 ${receiptNo}]`);
    expect(text).toContain("散装苹果1号");
    expect(text).toContain("1.234kg");
    expect(text).toMatch(/可口可乐|百事可乐|农夫山泉|康师傅|统一|蒙牛|伊利|旺旺|雪碧|红牛/);
    expect(text).toMatch(new RegExp(`合计 TOTAL\\s+${yuan(totals.net).replace(".", "\\.")}`));
    expect(text).toContain("找零 Change");
    expect(text).toContain("[QR https://einvoice.example.com/r/");
    expect(text).not.toContain("培训");
    expect(printed!.training).toBe(false);
    await until(() => printer.drawerKicks > kicks, 10_000, "drawer kick");
    await until(
      () => msgs("1").some((m) => m.type === "device" && m.event.type === "drawer"),
      10_000,
      "drawer",
    );
    // The rendered PNG is served for the UI.
    const png = await fetch(`${http}${printed!.png}`, {
      headers: { authorization: authorization(printed!.png) },
    });
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await png.arrayBuffer()).subarray(1, 4)).toEqual(new TextEncoder().encode("PNG"));
    // A reprint prints a marked copy.
    expect((await call("POST", "/lanes/1/reprint", { receiptNo })).status).toBe(200);
    await until(async () => (await printedFor("1", receiptNo)).length === 2, 30_000, "reprint");
    expect((await printedFor("1", receiptNo))[1]!.reprint).toBe(true);
    printer.closeDrawer();
  });

  test("a card sale does not open the drawer; a no-sale needs a supervisor", async () => {
    const printer = (await sims("1")).printer;
    const kicks = printer.drawerKicks;
    await call("POST", "/lanes/1/sim/scan", { code: gtinOf(7) });
    await until(() => edge.lanes.view("1").cart.lines.length === 1, 10_000, "line");
    const r = await call<{ sale: { receiptNo: string } }>("POST", "/lanes/1/tenders", {
      kind: "card",
      approvalCode: "A1B2C3",
    });
    expect(r.status).toBe(200);
    const receiptNo = r.body.sale.receiptNo;
    await until(() => printResult("1", receiptNo) !== undefined, 30_000, "print result");
    expect((await printedFor("1", receiptNo))[0]!.text).toContain("银行卡 Card");
    // The receipt printed after any kick would have gone through the same connection.
    expect(printer.drawerKicks).toBe(kicks);
    const refused = await call("POST", "/lanes/1/devices/drawer");
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/supervisor/);
    expect(printer.drawerKicks).toBe(kicks);
    const ok = await call("POST", "/lanes/1/devices/drawer", { supervisorId: "9001", pin: "9999" });
    expect(ok.status).toBe(200);
    expect(printer.drawerKicks).toBe(kicks + 1);
    printer.closeDrawer();
  });

  test("a return against the cash receipt prints a refund slip and opens the drawer", async () => {
    const printer = (await sims("1")).printer;
    const kicks = printer.drawerKicks;
    const sale = await call<{ lines: { lineId: string; name: string; qty: number; weighed: boolean }[] }>(
      "GET",
      `/sales/${cashReceipt}`,
    );
    const line = sale.body.lines.find((l) => !l.weighed)!;
    expect((await call("POST", "/lanes/1/returns", { receiptNo: cashReceipt })).status).toBe(200);
    expect((await call("PUT", `/lanes/1/returns/lines/${line.lineId}`, { units: 1 })).status).toBe(200);
    const done = await call<{ returned: { receiptNo: string; totals: { refund: number } } }>(
      "POST",
      "/lanes/1/returns/complete",
      { tender: "cash", reason: "customer changed mind" },
    );
    expect(done.status).toBe(200);
    const { receiptNo, totals } = done.body.returned;
    await until(() => printResult("1", receiptNo)?.ok === true, 30_000, "refund slip printed");
    const text = (await printedFor("1", receiptNo))[0]!.text;
    expect(text).toContain("退货单 REFUND");
    expect(text).toContain(`原单 ${cashReceipt}`);
    expect(text).toContain(line.name);
    expect(text).toContain(`-${yuan(totals.refund)}`);
    await until(() => printer.drawerKicks > kicks, 10_000, "drawer kick for the cash refund");
    printer.closeDrawer();
  });

  test("a scale that stops answering is reported and sells nothing until it is back", async () => {
    const r = await call("POST", "/lanes/1/sim/weight", { stable: true });
    expect(r.body).toMatchObject({ ok: true, seen: true });
    const scale = edge.lanes
      .devices("1")
      .health()
      .find((h) => h.kind === "scale");
    expect(scale?.state).toBe("error");
    expect(scale?.reason?.length).toBeGreaterThan(3);
    await until(
      () =>
        msgs("1").some(
          (m) => m.type === "device" && m.event.type === "health" && m.event.health.kind === "scale",
        ),
      10_000,
      "scale health on the lane",
    );
    const refused = await call("POST", "/lanes/1/items", { sku: "SKU000002" });
    expect(refused.status).toBe(409);
    expect(refused.body.field).toBe("weight");
    const back = await call("POST", "/lanes/1/sim/weight", { grams: 800, stable: true });
    expect(back.body).toMatchObject({ ok: true, seen: true });
    const sold = await call("POST", "/lanes/1/items", { sku: "SKU000002" });
    expect(sold.status).toBe(200);
    expect(edge.lanes.view("1").cart.lines.at(-1)?.qty).toBe(800);
    expect((await call("POST", "/lanes/1/void")).status).toBe(403);
    expect((await call("POST", "/lanes/1/void", { supervisorId: "9001", pin: "9999" })).status).toBe(200);
    await call("POST", "/lanes/1/sim/weight", { grams: 0, stable: true });
  });

  test("training receipts carry the training marker", async () => {
    let r = await call("POST", "/lanes/2/training", { on: true, supervisorId: "9001", pin: "9999" });
    expect(r.status).toBe(200);
    await call("POST", "/lanes/2/sim/scan", { code: gtinOf(8) });
    await until(() => edge.lanes.view("2").cart.lines.length === 1, 10_000, "line");
    const sold = await call<{ sale: { receiptNo: string; training: boolean } }>("POST", "/lanes/2/tenders", {
      kind: "cash",
      received: 10000,
    });
    expect(sold.body.sale.training).toBe(true);
    const receiptNo = sold.body.sale.receiptNo;
    await until(() => printResult("2", receiptNo) !== undefined, 30_000, "print result");
    const [printed] = await printedFor("2", receiptNo);
    expect(printed!.training).toBe(true);
    expect(printed!.text).toContain("培 训   T R A I N I N G"); // double width
    expect(printed!.text).toContain("NOT A SALE");
    r = await call("POST", "/lanes/2/training", { on: false, supervisorId: "9001", pin: "9999" });
    expect(r.status).toBe(200);
  });

  test("paper out: the lane reports it, and the receipt prints once after the paper is back", async () => {
    const printer = (await sims("2")).printer;
    printer.setPaperOut(true);
    await until(
      () => msgs("2").some((m) => m.type === "device" && m.event.type === "printer" && m.event.paperOut),
      10_000,
      "paper out on the lane",
    );
    const health = await call<{ devices: { kind: string; state: string; reason?: string }[] }>(
      "GET",
      "/lanes/2/devices",
    );
    const p = health.body.devices.find((d) => d.kind === "printer");
    expect(p?.state).toBe("error");
    expect(p?.reason).toMatch(/paper/);
    await call("POST", "/lanes/2/sim/scan", { code: gtinOf(9) });
    await until(() => edge.lanes.view("2").cart.lines.length === 1, 10_000, "line");
    const sold = await call<{ sale: { receiptNo: string } }>("POST", "/lanes/2/tenders", {
      kind: "card",
      approvalCode: "PAPER1",
    });
    expect(sold.status).toBe(200);
    const receiptNo = sold.body.sale.receiptNo;
    // The spooler tried and was told the paper is out (a status round trip), nothing printed.
    const statusBefore = printer.statusRequests;
    await until(() => printer.statusRequests > statusBefore + 2, 10_000, "printer polled while out");
    expect(await printedFor("2", receiptNo)).toHaveLength(0);
    expect(printResult("2", receiptNo)).toBeUndefined();
    printer.setPaperOut(false);
    await until(() => printResult("2", receiptNo) !== undefined, 30_000, "printed after paper back");
    expect(printResult("2", receiptNo)?.ok).toBe(true);
    await until(
      () => msgs("2").some((m) => m.type === "device" && m.event.type === "printer" && !m.event.paperOut),
      10_000,
      "paper back on the lane",
    );
    // Once, never twice: another receipt after it proves the queue moved past it.
    await call("POST", "/lanes/2/reprint", { receiptNo });
    await until(async () => (await printedFor("2", receiptNo)).length === 2, 30_000, "reprint after");
    const copies = await printedFor("2", receiptNo);
    expect(copies.map((c) => c.reprint)).toEqual([false, true]);
  });

  test("a receipt cut but not confirmed is uncertain: not printed again, on the lane and in /devices; 'reprint' prints a marked copy, 'printed' just clears it", async () => {
    const sell = async (n: number) => {
      await call("POST", "/lanes/2/sim/scan", { code: gtinOf(n) });
      await until(() => edge.lanes.view("2").cart.lines.length === 1, 10_000, "line");
      const sold = await call<{ sale: { receiptNo: string } }>("POST", "/lanes/2/tenders", {
        kind: "card",
        approvalCode: `UNC${n}`,
      });
      expect(sold.status).toBe(200);
      return sold.body.sale.receiptNo;
    };
    type Uncertain = { jobId: number; receiptNo: string; reason: string; queuedAt: string };
    const uncertainOnLane = (receiptNo: string) =>
      msgs("2").find(
        (m) =>
          m.type === "device" && m.event.type === "print-uncertain" && m.event.print.receiptNo === receiptNo,
      ) as { event: { print: Uncertain } } | undefined;
    const listed = async () =>
      (await call<{ uncertainPrints: Uncertain[] }>("GET", "/lanes/2/devices")).body.uncertainPrints;

    expect((await call("POST", "/lanes/2/sim/printer", { fault: "drop-after-cut" })).status).toBe(200);
    const first = await sell(11);
    await until(() => uncertainOnLane(first) !== undefined, 30_000, "print-uncertain on the lane");
    const job = uncertainOnLane(first)!.event.print;
    expect(job.reason).toMatch(/may have printed/);
    expect((await listed()).map((p) => p.receiptNo)).toEqual([first]);
    expect(await printedFor("2", first)).toHaveLength(1); // printed and cut once before the drop
    expect(printResult("2", first)).toBeUndefined();
    // The next sale's receipt prints while the first waits for a person.
    const second = await sell(12);
    await until(() => printResult("2", second)?.ok === true, 30_000, "the next receipt printed");
    expect(await printedFor("2", first)).toHaveLength(1);

    // Bad answers: unknown job 404, bad resolution 400.
    expect(
      (await call("POST", "/lanes/2/devices/printer/uncertain/99999", { resolution: "printed" })).status,
    ).toBe(404);
    expect(
      (await call("POST", `/lanes/2/devices/printer/uncertain/${job.jobId}`, { resolution: "maybe" })).status,
    ).toBe(400);

    const r = await call("POST", `/lanes/2/devices/printer/uncertain/${job.jobId}`, {
      resolution: "reprint",
    });
    expect(r.status).toBe(200);
    await until(() => printResult("2", first)?.ok === true, 30_000, "the copy printed");
    const copies = await printedFor("2", first);
    expect(copies.map((c) => c.reprint)).toEqual([false, true]);
    expect(await listed()).toEqual([]);
    expect(
      msgs("2").some(
        (m) =>
          m.type === "device" &&
          m.event.type === "print-resolved" &&
          m.event.jobId === job.jobId &&
          m.event.resolution === "reprint",
      ),
    ).toBe(true);
    // Resolved once: a second answer is refused.
    expect(
      (await call("POST", `/lanes/2/devices/printer/uncertain/${job.jobId}`, { resolution: "printed" }))
        .status,
    ).toBe(404);

    // "It printed": the job is done, nothing is printed again.
    await call("POST", "/lanes/2/sim/printer", { fault: "drop-after-cut" });
    const third = await sell(13);
    await until(() => uncertainOnLane(third) !== undefined, 30_000, "third uncertain");
    const j3 = uncertainOnLane(third)!.event.print.jobId;
    expect(
      (await call("POST", `/lanes/2/devices/printer/uncertain/${j3}`, { resolution: "printed" })).status,
    ).toBe(200);
    await until(() => printResult("2", third)?.ok === true, 10_000, "third counted as printed");
    expect(await printedFor("2", third)).toHaveLength(1);
    expect(await listed()).toEqual([]);
  });

  test("lane 1's printer offline does not delay lane 2's HTTP calls", async () => {
    const dead = (await sims("1")).printer;
    await dead.close(); // connection refused from now on
    await until(
      () =>
        edge.lanes
          .devices("1")
          .health()
          .some((h) => h.kind === "printer" && h.state === "error"),
      10_000,
      "lane 1 printer in error",
    );
    await call("POST", "/lanes/1/sim/scan", { code: gtinOf(10) });
    await until(() => edge.lanes.view("1").cart.lines.length === 1, 10_000, "lane 1 line");
    const one = await call<{ sale: { receiptNo: string } }>("POST", "/lanes/1/tenders", {
      kind: "cash",
      received: 10000,
    });
    expect(one.status).toBe(200);
    const stuck = one.body.sale.receiptNo;
    // The no-sale drawer on the dead printer answers 503, it does not hang.
    const drawer = await call("POST", "/lanes/1/devices/drawer", { supervisorId: "9001", pin: "9999" });
    expect(drawer.status).toBe(503);
    // Lane 2 sells and prints meanwhile.
    for (let i = 0; i < 3; i++) {
      await call("POST", "/lanes/2/scan", { code: gtinOf(11 + i) });
      const two = await call<{ sale: { receiptNo: string } }>("POST", "/lanes/2/tenders", {
        kind: "cash",
        received: 10000,
      });
      expect(two.status).toBe(200);
      await until(() => printResult("2", two.body.sale.receiptNo)?.ok === true, 30_000, "lane 2 printed");
      expect((await call("GET", "/lanes/1/devices")).status).toBe(200);
    }
    expect(printResult("1", stuck)).toBeUndefined();
  });
});

describe("bridge lane configuration", () => {
  test("a bad field in a lane's bridge section fails the start with its path", () => {
    const bad = (bridge: unknown) => () =>
      new Edge({
        dataDir: tempDir(),
        config: testConfig({
          lanes: ConfigSchema.parse({ lanes: { "3": { mode: "bridge", bridge } } }).lanes,
        }),
      });
    expect(
      bad({ scale: { id: "scale", protocol: "toledo8217", port: { type: "serial", path: "ttyUSB0" } } }),
    ).toThrow(/lanes\.3\.bridge\.scale\.port\.path: .*absolute/);
    expect(bad({ printer: { id: "p", port: { type: "tcp", host: "10.0.0.5", port: 70000 } } })).toThrow(
      /lanes\.3\.bridge\.printer\.port\.port/,
    );
    expect(bad(undefined)).toThrow(/lanes\.3\.bridge: mode "bridge" needs/);
    expect(
      () =>
        new Edge({
          dataDir: tempDir(),
          config: testConfig({
            lanes: ConfigSchema.parse({
              lanes: { "4": { mode: "bridge-sim", sim: { scaleProtocol: "abc" } } },
            }).lanes,
          }),
        }),
    ).toThrow(/lanes\.4\.sim\.scaleProtocol: one of toledo8217/);
  });

  test("the real-store lane configuration in docs/store-edge.md is valid", async () => {
    const doc = await Bun.file(new URL("../../../docs/store-edge.md", import.meta.url)).text();
    const block = /A real store's lane[^\n]*\n\n```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    const config = ConfigSchema.parse(JSON.parse(block!));
    expect(config.lanes["1"]!.mode).toBe("bridge");
    const parsed = parseBridgeConfig("1", config.lanes["1"]!.bridge, "lanes.1", "/var/lib/store-edge");
    expect(parsed.lane).toBe("1");
    expect(parsed.printer?.queueDir).toBe("/var/lib/store-edge/print-queue/lane-1");
    expect(parsed.scanners[0]?.suffix).toBe("\r");
    expect(parseSimOptions(config.lanes["2"]!.sim, "lanes.2")).toEqual({
      scaleProtocol: "mtsics",
      paper: 58,
    });
  });

  test("a bridge lane opens the devices its config names (here: simulators a test started)", async () => {
    const { PrinterSimulator, ScannerSimulator } = await import("@retail/firmware-bridge");
    const printer = await PrinterSimulator.start({ paper: 58 });
    const scanner = await ScannerSimulator.start("serial", { suffix: "\r\n" });
    const e = await readyEdge({
      products: 10,
      config: {
        lanes: ConfigSchema.parse({
          lanes: {
            "5": {
              mode: "bridge",
              bridge: {
                scanners: [
                  {
                    id: "scanner",
                    wire: "serial",
                    suffix: "\r\n",
                    port: { type: "serial", path: scanner.path },
                  },
                ],
                printer: {
                  id: "printer",
                  paper: 58,
                  port: { type: "tcp", host: "127.0.0.1", port: printer.port },
                },
              },
              receipt: { storeName: "测试店", footer: ["谢谢惠顾"] },
            },
          },
        }).lanes,
      },
    });
    try {
      const d = e.lanes.devices("5") as BridgeDevices;
      await until(() => d.health().every((h) => h.state === "ready"), 30_000, "lane 5 ready");
      expect(d.health().map((h) => h.kind)).toEqual(["scanner", "printer", "drawer"]);
      expect(d.weight()).toBeUndefined();
      await openLane(e, "5");
      await scanner.scan(gtinOf(3));
      await until(() => e.lanes.view("5").cart.lines.length === 1, 10_000, "scanned line");
      const sale = e.sales.tenderCash("5", 10000).sale!;
      await until(() => printer.receipts.some((r) => r.text.includes(sale.receiptNo)), 30_000, "receipt");
      const text = printer.receipts.find((r) => r.text.includes(sale.receiptNo))!.text;
      expect(text).toContain("测 试 店"); // double width
      expect(text).toContain("谢谢惠顾");
      expect(text).not.toContain("[QR");
      expect(text.split("\n").every((l) => l.length <= 40)).toBe(true);
      expect(e.lanes.view("5").cart.lines.length).toBe(0);
    } finally {
      await e.stop();
      await printer.close();
      await scanner.close();
    }
  });
});
