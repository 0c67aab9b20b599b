// The lane devices contract: scan, weigh, print and drawer as the till sees them through the
// device port (`LaneDevices`, port.ts), whichever mode the lane runs (store-edge.json `mode`:
// "simulated" in-process devices, "bridge-sim" firmware-bridge's wire simulators started by the
// edge, "bridge" the devices a lane's config names, here simulators a test started). Written
// once, run by one small test per mode (simulated/bridge-sim/bridge.contract.test.ts).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { EdgeError } from "../errors.ts";
import type { DeviceEvent, LaneDevices, ReceiptDoc } from "./port.ts";

/** A lane in one mode, and the hands of the cashier and the customer in front of it. */
export interface LaneUnderTest {
  devices: LaneDevices;
  /** Resolves once the lane's devices are open (a real port takes a moment). */
  ready(): Promise<void>;
  /** The cashier pulls the scanner's trigger on `code`. */
  scan(code: string): Promise<void>;
  /** Goods on the scale (in motion unless `stable`); undefined: the scale stops answering. */
  putOnScale(grams: number | undefined, stable: boolean): Promise<void>;
  /** What came out of the printer so far, one text per receipt. */
  printed(): Promise<string[]>;
  close(): Promise<void>;
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

export function laneDevicesContract(mode: string, start: () => Promise<LaneUnderTest>): void {
  // PTYs, TCP printers and real codecs on a shared 2-core machine: generous bounds.
  setDefaultTimeout(60_000);
  let lane: LaneUnderTest;
  const events: DeviceEvent[] = [];
  let off: () => void = () => {};

  beforeAll(async () => {
    lane = await start();
    off = lane.devices.subscribe((e) => events.push(e));
    await lane.ready();
  });
  afterAll(async () => {
    off();
    await lane?.close();
  });

  describe(`lane devices contract: ${mode}`, () => {
    test("the scanner, scale, printer and drawer report themselves ready", async () => {
      await until(
        () => lane.devices.health().every((h) => h.state === "ready" || h.state === "connected"),
        "every device ready",
      );
      const kinds = new Set(lane.devices.health().map((h) => h.kind));
      for (const k of ["scanner", "scale", "printer", "drawer"] as const) expect(kinds.has(k)).toBe(true);
    });

    test("a scan reaches the till once, with its code", async () => {
      const code = "6901234567892";
      const from = events.length;
      await lane.scan(code);
      await until(() => events.slice(from).some((e) => e.type === "scan" && e.code === code), "the scan");
      await lane.scan("4006381333931");
      await until(
        () => events.slice(from).some((e) => e.type === "scan" && e.code === "4006381333931"),
        "2nd",
      );
      const scans = events.slice(from).filter((e) => e.type === "scan");
      expect(scans.map((e) => (e as { code: string }).code)).toEqual([code, "4006381333931"]);
    });

    test("a stable weight is what the scale shows; goods in motion or a silent scale give no usable weight", async () => {
      const usable = () => {
        const w = lane.devices.weight();
        return w?.stable === true && w.grams !== undefined && w.grams > 0 ? w.grams : undefined;
      };
      const from = events.length;
      await lane.putOnScale(1234, true);
      await until(() => Math.abs((usable() ?? 0) - 1234) < 10, "a stable 1234 g");
      expect(events.slice(from).some((e) => e.type === "weight")).toBe(true);
      await lane.putOnScale(800, false);
      await until(() => lane.devices.weight()?.stable === false, "goods in motion");
      expect(usable()).toBeUndefined();
      await lane.putOnScale(undefined, false);
      await until(() => usable() === undefined, "a silent scale");
      await lane.putOnScale(500, true); // back again
      await until(() => Math.abs((usable() ?? 0) - 500) < 10, "a stable 500 g after the silence");
    });

    test("a printed report comes out of the printer once the print call resolves", async () => {
      const ref = `X-${Date.now().toString(36).toUpperCase()}`;
      const doc: ReceiptDoc = {
        receiptNo: ref,
        training: false,
        title: "X 报表 X REPORT",
        lines: [
          { left: "现金 Cash", right: "¥12.30" },
          { left: "笔数 Sales", right: "3" },
        ],
        barcode: ref,
        report: { storeName: "合同店", time: "2026-12-07 10:00" },
      };
      await lane.devices.printReceipt(doc);
      const out = await lane.printed();
      expect(out.filter((t) => t.includes(ref))).toHaveLength(1);
    });

    test("the drawer opens for cash and for an approved no-sale; an unapproved no-sale is refused with the field at fault", async () => {
      const opened = () => events.filter((e) => e.type === "drawer" && e.open).length;
      const before = opened();
      await lane.devices.kickDrawer({ kind: "cash" });
      await until(() => opened() > before, "the drawer open after a cash tender");
      const refused = await lane.devices.kickDrawer({ kind: "no_sale", supervisorApproved: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(EdgeError);
      expect((refused as EdgeError).field).toBe("supervisorId");
      // Approved, it goes through (resolves; a refusal or a dead drawer would throw).
      await lane.devices.kickDrawer({ kind: "no_sale", supervisorApproved: true });
    });

    test("after unsubscribing, a listener hears nothing more", async () => {
      const mine: DeviceEvent[] = [];
      const stop = lane.devices.subscribe((e) => mine.push(e));
      await lane.scan("6920000000017");
      await until(() => mine.some((e) => e.type === "scan"), "the scan heard");
      stop();
      const heard = mine.length;
      const from = events.length;
      await lane.scan("6920000000024");
      await until(() => events.slice(from).some((e) => e.type === "scan"), "the scan at the other listener");
      expect(mine.length).toBe(heard);
    });
  });
}
