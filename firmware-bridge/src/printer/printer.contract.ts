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
    await waitFor(() => driver.health.state === "ready", "printer ready", 20_000);
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

    const numbers = (sim: PrinterSimulator) =>
      sim.receipts.map((r) => /RC-SH001-02-20250301-(\d{4})\]/.exec(r.text)?.[1]);

    test.skipIf(!simulated)(
      "connection dropped between the cut and the GS r answer: uncertain, never printed twice; the next receipt prints; a person resolves it",
      async () => {
        const dir = mkdtempSync(join(tmpdir(), "printq-"));
        const { spooler, sim, queue, driver } = await open(dir);
        sim.dropAfterCut();
        const uncertain: [string, string][] = [];
        spooler.on("uncertain", (j, why) => uncertain.push([j.ref, why]));
        const a = spooler.submit("RC-9", receipt(9));
        const b = spooler.submit("RC-10", receipt(10));
        let aPrinted = false;
        void spooler.whenPrinted(a).then(() => {
          aPrinted = true;
        });
        // The receipt behind the uncertain one is a different receipt: it prints.
        await spooler.whenPrinted(b);
        expect(numbers(sim)).toEqual(["0009", "0010"]); // RC-9 once (printed and cut before the drop)
        expect(uncertain).toHaveLength(1);
        expect(uncertain[0]![0]).toBe("RC-9");
        expect(uncertain[0]![1]).toMatch(/sent but not confirmed/);
        expect(spooler.uncertain().map((j) => [j.id, j.ref, j.state])).toEqual([[a, "RC-9", "uncertain"]]);
        expect(aPrinted).toBe(false);
        // Persisted: a restart (queue and spooler reopened on the same directory) still has it
        // and does not send it again.
        await live.spooler!.stop();
        queue.close();
        const q2 = new PrintQueue(dir);
        const s2 = new Spooler(q2, driver, 30);
        Object.assign(live, { queue: q2, spooler: s2 });
        expect(s2.uncertain().map((j) => j.ref)).toEqual(["RC-9"]);
        await Bun.sleep(200);
        expect(sim.receipts).toHaveLength(2);
        // "Reprint": a marked copy prints, the uncertain job is resolved and counts as printed.
        const resolved = s2.resolve(a, "reprint", receipt(9, { reprint: true }));
        expect(resolved).toMatchObject({ state: "done", resolution: "reprint" });
        await s2.whenPrinted(a);
        expect(numbers(sim)).toEqual(["0009", "0010", "0009"]);
        expect(sim.receipts[2]!.text).toContain("重印 REPRINT");
        expect(s2.uncertain()).toEqual([]);
        expect(() => s2.resolve(a, "printed")).toThrow(/not uncertain/);
      },
    );

    test.skipIf(!simulated)("uncertain job resolved 'it printed': done, nothing printed again", async () => {
      const { spooler, sim } = await open();
      sim.dropAfterCut();
      const a = spooler.submit("RC-11", receipt(11));
      await waitFor(() => spooler.uncertain().length === 1, "job uncertain");
      const done = spooler.whenPrinted(a);
      expect(spooler.resolve(a, "printed")).toMatchObject({ state: "done", resolution: "printed" });
      await done;
      await spooler.whenPrinted(spooler.submit("RC-12", receipt(12)));
      expect(numbers(sim)).toEqual(["0011", "0012"]);
    });

    test.skipIf(!simulated)(
      "printer goes offline mid-receipt: the job is uncertain (the host cannot tell a torn receipt from a cut one), the next prints, reprint on demand",
      async () => {
        const { spooler, sim } = await open();
        sim.dropAfterBytes(300);
        const a = spooler.submit("RC-5", receipt(5));
        const b = spooler.submit("RC-6", receipt(6));
        await spooler.whenPrinted(b);
        expect(numbers(sim)).toEqual(["0006"]);
        expect(sim.torn.length).toBe(1);
        expect(spooler.uncertain().map((j) => j.ref)).toEqual(["RC-5"]);
        spooler.resolve(a, "reprint", receipt(5, { reprint: true }));
        await spooler.whenPrinted(a);
        expect(numbers(sim)).toEqual(["0006", "0005"]);
        expect(sim.receipts[1]!.text).toContain("重印 REPRINT");
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
