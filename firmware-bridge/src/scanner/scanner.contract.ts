// The scanner contract, per wire: keyboard wedge (evdev), serial, HID POS. Runs against the
// simulator always, and against a real scanner when SCANNER_DEVICE names one (then only the
// tests that need no scripted scans run).
import { afterEach, describe, expect, test } from "bun:test";
import { withCheckDigit } from "@retail/protocol";
import { openInputDevice } from "../input.ts";
import { type ByteLink, waitFor } from "../link.ts";
import { openTty } from "../serial/tty.ts";
import { encodeInputEvent, type KeyboardLayout } from "./evdev.ts";
import { type ScanEvent, Scanner, type ScannerWire } from "./scanner.ts";
import { ScannerSimulator } from "./simulator.ts";

export interface ScannerTarget {
  wire: ScannerWire;
  layout?: KeyboardLayout;
  aim?: string;
  /** A real device; undefined = simulator. */
  device?: string;
}

export async function openScannerLink(wire: ScannerWire, path: string): Promise<ByteLink> {
  return wire === "keyboard" ? openInputDevice(path) : openTty(path, { baud: 9600 });
}

export function scannerContract(name: string, target: ScannerTarget, enabled = true): void {
  const simulated = !target.device;
  const live: { scanner?: Scanner; sim?: ScannerSimulator } = {};
  const open = async (opts: { dedupWindowMs?: number; suffix?: string } = {}) => {
    const suffix = opts.suffix ?? "\r";
    const sim = simulated
      ? await ScannerSimulator.start(target.wire, { layout: target.layout, aim: target.aim, suffix })
      : undefined;
    const scanner = new Scanner({
      id: `${name}-scanner`,
      wire: target.wire,
      layout: target.layout,
      suffix,
      interKeyTimeoutMs: 40,
      dedupWindowMs: opts.dedupWindowMs ?? 0,
    });
    const events: ScanEvent[] = [];
    scanner.on("scan", (e) => events.push(e));
    scanner.attach(await openScannerLink(target.wire, sim?.path ?? target.device!));
    live.scanner = scanner;
    live.sim = sim;
    return { scanner, sim: sim!, events };
  };

  describe.skipIf(!enabled)(`scanner contract: ${name}`, () => {
    afterEach(async () => {
      await live.scanner?.close();
      await live.sim?.close();
      live.scanner = undefined;
      live.sim = undefined;
    });

    test("opens and reports ready (hardware too)", async () => {
      const { scanner } = await open();
      expect(scanner.health.state).toBe("ready");
    });

    test.skipIf(!simulated)(
      "each code becomes a protocol-parsed scan; AIM ids are stripped and passed on",
      async () => {
        const { sim, events } = await open();
        await sim.scan("6901234567892");
        await sim.scan("2201230012346"); // weight label (22 PPPPP VVVVV C): PLU 1230, 1234 g
        await sim.scan("134567890123456789"); // WeChat Pay
        await sim.scan("RC-S001-02-20250101-0042");
        await waitFor(() => events.length === 4, "4 scans");
        expect(events.map((e) => e.scan.kind)).toEqual(["product", "scale_label", "payment", "receipt"]);
        expect(events[0]!.scan).toMatchObject({ gtin: "6901234567892", symbology: "ean13" });
        expect(events[1]!.scan).toMatchObject({ label: { plu: "1230", weightG: 1234 } });
        if (target.aim) expect(events[0]!.aim).toBe(target.aim);
        expect(events[0]!.scan.code).toBe("6901234567892");
      },
    );

    test.skipIf(!simulated || target.wire === "hidpos")(
      "letters and punctuation survive the layout",
      async () => {
        const { sim, events } = await open();
        await sim.scan("Ab-12/x.Z");
        await waitFor(() => events.length === 1, "1 scan");
        expect(events[0]!.scan).toMatchObject({ kind: "product", code: "Ab-12/x.Z", symbology: "code128" });
      },
    );

    test.skipIf(!simulated || target.wire === "hidpos")(
      "without a suffix the inter-key timeout ends the scan",
      async () => {
        const { sim, events } = await open({ suffix: "" });
        await sim.scan("6901234567892");
        await waitFor(() => events.length === 1, "scan ended by timeout");
        expect(events[0]!.scan.code).toBe("6901234567892");
      },
    );

    test.skipIf(!simulated)("the same code twice within the window is one scan; after it, two", async () => {
      const { sim, events, scanner } = await open({ dedupWindowMs: 200 });
      await sim.scan("6901234567892");
      await sim.scan("6901234567892");
      await waitFor(() => events.length === 1 && scanner.duplicates === 1, "one scan, one duplicate");
      await Bun.sleep(220); // let the dedup window pass: time itself is the condition here
      await sim.scan("6901234567892");
      await waitFor(() => events.length === 2, "second scan after the window");
    });

    test.skipIf(!simulated)(
      "flood: 1,000 scans all arrive, in order, none lost or duplicated",
      async () => {
        const { sim, events } = await open({ dedupWindowMs: 300 });
        const codes = Array.from({ length: 1000 }, (_, i) =>
          withCheckDigit(`690${String(i).padStart(9, "0")}`),
        );
        await sim.write(Uint8Array.from(codes.flatMap((c) => [...sim.bytesFor(c)])));
        await waitFor(() => events.length >= 1000, "1000 scans", 20000);
        expect(events.map((e) => e.scan.code)).toEqual(codes);
        expect(events.every((e) => e.scan.kind === "product")).toBe(true);
      },
      30000,
    );

    test.skipIf(!simulated)(
      "garbage on the wire is reported as unknown or ignored, never crashes",
      async () => {
        const { sim, events } = await open();
        // Garbage comes in the wire's own units: the kernel hands out whole input_event structs
        // and USB whole reports, so there garbage is whole events/reports of the wrong kind.
        const garbage =
          target.wire === "serial"
            ? Uint8Array.of(0, 1, 0x7f, 0xfe, 13)
            : target.wire === "keyboard"
              ? Uint8Array.from([
                  ...encodeInputEvent({ sec: 1, usec: 0, type: 2, code: 0, value: -5 }), // EV_REL motion
                  ...encodeInputEvent({ sec: 1, usec: 1, type: 1, code: 240, value: 1 }), // KEY_UNKNOWN
                  ...encodeInputEvent({ sec: 1, usec: 2, type: 17, code: 1, value: 1 }), // EV_LED
                ])
              : Uint8Array.from({ length: 128 }, (_, i) =>
                  i === 0 ? 1 : i === 64 ? 2 : i === 65 ? 200 : i & 0xff,
                );
        await sim.write(garbage);
        await sim.scan("6901234567892");
        await waitFor(() => events.some((e) => e.scan.code === "6901234567892"), "good scan after garbage");
        for (const e of events.slice(0, -1)) expect(e.scan.kind).toBe("unknown");
      },
    );

    test.skipIf(!simulated)("unplugged: health becomes error", async () => {
      const { sim, scanner } = await open();
      await sim.unplug();
      await waitFor(() => scanner.health.state === "error", "error", 20_000);
    });
  });
}
