// The receipt printer contract: runs against the TCP simulator always, and against a real
// printer when PRINTER_HOST names one (then only "status" and "prints the reference receipt"
// run: a person checks the paper). Includes the failure matrix: paper out before and during a
// receipt, cover open, connection dropped mid-receipt, drawer kick and read back, reprint,
// and a queue that survives a restart.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Supervisor } from "../lane/supervisor.ts";
import { waitFor } from "../link.ts";
import { openTcp } from "../tcp.ts";
import { PrinterDriver } from "./driver.ts";
import { PrintQueue, Spooler } from "./queue.ts";
import { layoutReceipt, type PaperWidth } from "./receipt.ts";
import { referenceReceipt } from "./reference-receipt.ts";
import { PrinterSimulator } from "./simulator.ts";

export interface PrinterTarget {
  paper: PaperWidth;
  /** host:port of a real printer; undefined = simulator. */
  address?: string;
}

export function printerContract(name: string, target: PrinterTarget, enabled = true): void {
  const simulated = !target.address;
  const live: {
    sim?: PrinterSimulator;
    sup?: Supervisor;
    spooler?: Spooler;
    queue?: PrintQueue;
    driver?: PrinterDriver;
  } = {};
  const open = async (dir = mkdtempSync(join(tmpdir(), "printq-"))) => {
    const sim = simulated ? await PrinterSimulator.start({ paper: target.paper }) : undefined;
    const [host, port] = sim ? ["127.0.0.1", sim.port] : (target.address!.split(":") as [string, string]);
    const driver = new PrinterDriver({
      id: `${name}-printer`,
      pollMs: 50,
      statusTimeoutMs: 500,
      jobTimeoutMs: 800,
    });
    const sup = new Supervisor(`${host}:${port}`, () => openTcp(host, Number(port)), driver, {
      minRetryMs: 20,
      maxRetryMs: 100,
    });
    sup.start();
    const queue = new PrintQueue(dir);
    const spooler = new Spooler(queue, driver, 30);
    Object.assign(live, { sim, sup, spooler, queue, driver });
    await waitFor(() => driver.health.state === "ready", "printer ready", 3000);
    return { sim: sim!, driver, spooler, queue, sup, dir };
  };
  const receipt = (no: number, extra = {}) =>
    layoutReceipt(
      referenceReceipt({ receiptNo: `RC-SH001-02-20250301-${String(no).padStart(4, "0")}`, ...extra }),
      target.paper,
    );

  describe.skipIf(!enabled)(`printer contract: ${name}`, () => {
    afterEach(async () => {
      await live.spooler?.stop();
      await live.sup?.stop();
      live.queue?.close();
      await live.sim?.close();
      for (const k of Object.keys(live)) delete live[k as keyof typeof live];
    });

    test("reports status through DLE EOT and becomes ready (hardware too)", async () => {
      const { driver } = await open();
      const s = await driver.refreshStatus();
      expect(s).toMatchObject({ online: true, coverOpen: false, paperOut: false });
    });

    test("prints the reference receipt and counts it done only after the GS r round trip (hardware too)", async () => {
      const { spooler, sim, queue, driver } = await open();
      const id = spooler.submit("RC-1", receipt(1));
      await spooler.whenPrinted(id);
      expect(queue.list(driver.id)[0]).toMatchObject({ state: "done", attempts: 0 });
      if (!simulated) return;
      expect(sim.receipts).toHaveLength(1);
      const text = sim.receipts[0]!.text;
      expect(text).toContain("鲜 丰 超 市");
      expect(text).toMatch(/合计 TOTAL +￥25\.16/);
      expect(text).toContain("[CODE128 RC-SH001-02-20250301-0001]");
      expect(text).toContain("[QR https://m.example.cn/join?s=SH001&r=42]");
      const png = await sim.receipts[0]!.png();
      expect(png.readUInt32BE(16)).toBe(target.paper === 58 ? 384 : 576);
    });

    test.skipIf(!simulated)(
      "paper out: the receipt waits, then prints exactly once when paper is back",
      async () => {
        const { spooler, sim, queue, driver } = await open();
        sim.setPaperOut(true);
        await waitFor(() => driver.health.state === "error", "paper out seen");
        expect(driver.health).toMatchObject({ reason: "paper out" });
        const reasons: string[] = [];
        spooler.on("waiting", (_j, r) => reasons.push(r));
        const id = spooler.submit("RC-2", receipt(2));
        await waitFor(() => reasons.length >= 2, "two refused attempts");
        expect(reasons[0]).toMatch(/paper out/);
        expect(sim.receipts).toHaveLength(0);
        sim.setPaperOut(false);
        await spooler.whenPrinted(id);
        expect(sim.receipts).toHaveLength(1);
        expect(queue.list(driver.id).filter((j) => j.state === "done")).toHaveLength(1);
      },
    );

    test.skipIf(!simulated)(
      "paper runs out mid-receipt: reported, then the whole receipt prints once after reload",
      async () => {
        const { spooler, sim } = await open();
        sim.paperOutAfterBlocks(6);
        const failures: string[] = [];
        spooler.on("waiting", (_j, r) => failures.push(r));
        const id = spooler.submit("RC-3", receipt(3));
        await waitFor(() => failures.length >= 1, "failure reported");
        expect(failures[0]).toMatch(/paper out during the job/);
        expect(sim.receipts).toHaveLength(0);
        sim.setPaperOut(false);
        await spooler.whenPrinted(id);
        expect(sim.receipts).toHaveLength(1);
        expect(sim.receipts[0]!.text).toContain("RC-SH001-02-20250301-0003");
        expect(sim.torn).toHaveLength(1); // the stub printed before the paper ran out
      },
    );

    test.skipIf(!simulated)("cover open: waits, prints once the cover is closed", async () => {
      const { spooler, sim, driver } = await open();
      sim.setCoverOpen(true);
      await waitFor(() => driver.health.state === "error", "cover open seen");
      expect(driver.health).toMatchObject({ reason: "cover open" });
      const id = spooler.submit("RC-4", receipt(4));
      await waitFor(() => sim.statusRequests > 20, "a few refused attempts");
      expect(sim.receipts).toHaveLength(0);
      sim.setCoverOpen(false);
      await spooler.whenPrinted(id);
      expect(sim.receipts).toHaveLength(1);
    });

    test.skipIf(!simulated)(
      "printer goes offline mid-receipt: reconnects and prints the receipt once, in order",
      async () => {
        const { spooler, sim } = await open();
        sim.dropAfterBytes(300);
        const a = spooler.submit("RC-5", receipt(5));
        const b = spooler.submit("RC-6", receipt(6));
        await spooler.whenPrinted(a);
        await spooler.whenPrinted(b);
        expect(sim.receipts.map((r) => /RC-SH001-02-20250301-(\d{4})\]/.exec(r.text)?.[1])).toEqual([
          "0005",
          "0006",
        ]);
        expect(sim.torn.length).toBe(1);
      },
    );

    test.skipIf(!simulated)(
      "cash drawer: kicked through the printer, open/closed read back from DLE EOT 1",
      async () => {
        const { driver, sim } = await open();
        const seen: boolean[] = [];
        driver.on("drawer", (open) => seen.push(open));
        const s = await driver.kickDrawer(2, 100, 500);
        expect(s.drawerOpen).toBe(true);
        expect(sim.drawerKicks).toBe(1);
        sim.closeDrawer();
        await waitFor(() => seen.at(-1) === false, "drawer closed seen");
        expect(seen).toEqual([true, false]);
      },
    );

    test.skipIf(!simulated)("reprint on demand prints a marked copy", async () => {
      const { spooler, sim } = await open();
      await spooler.whenPrinted(spooler.submit("RC-7", receipt(7)));
      await spooler.whenPrinted(spooler.reprint("RC-7", receipt(7, { reprint: true })));
      expect(sim.receipts).toHaveLength(2);
      expect(sim.receipts[1]!.text).toContain("重印 REPRINT");
    });

    test.skipIf(!simulated)(
      "the queue survives a restart: a receipt queued before it prints after it",
      async () => {
        const dir = mkdtempSync(join(tmpdir(), "printq-"));
        const q1 = new PrintQueue(dir);
        q1.enqueue(`${name}-printer`, "RC-8", receipt(8));
        q1.close();
        const { spooler, sim, queue, driver } = await open(dir);
        await waitFor(
          () => queue.list(driver.id)[0]?.state === "done",
          "queued receipt printed after restart",
        );
        expect(sim.receipts).toHaveLength(1);
        expect(queue.list(driver.id)).toMatchObject([{ ref: "RC-8", state: "done" }]);
        expect(spooler.busy).toBe(false);
      },
    );
  });
}
