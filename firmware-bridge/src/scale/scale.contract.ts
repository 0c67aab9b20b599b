// The scale contract: every protocol, simulated or real, must pass these. Registered once per
// protocol against the simulator (always) and against real hardware when SCALE_DEVICE names one.
// With real hardware only the tests that need no scripted weights run (they are named so).
import { afterEach, describe, expect, test } from "bun:test";
import { waitFor } from "../link.ts";
import { fromLine, toLine } from "../serial/parity.ts";
import { openTty, type TtyLink } from "../serial/tty.ts";
import { SCALE_CODECS, type ScaleProtocol } from "./codecs.ts";
import { ScaleDriver } from "./driver.ts";
import { ScaleSimulator } from "./simulator.ts";
import { isSellableWeight } from "./weight.ts";

export interface ScaleTarget {
  protocol: ScaleProtocol;
  /** A real device path; undefined = use the simulator. */
  device?: string;
  continuous?: boolean;
}

export function scaleContract(name: string, target: ScaleTarget, enabled = true): void {
  const codec = SCALE_CODECS[target.protocol];
  const simulated = !target.device;
  const live: { driver?: ScaleDriver; sim?: ScaleSimulator } = {};
  const open = async () => {
    const sim = simulated ? await ScaleSimulator.start(target.protocol, { streamMs: 30 }) : undefined;
    const driver = new ScaleDriver({
      id: `${name}-scale`,
      codec,
      pollMs: 40,
      timeoutMs: 600,
      continuous: target.continuous,
    });
    driver.attach(await openTty(sim?.path ?? target.device!, { baud: codec.defaultBaud }));
    live.driver = driver;
    live.sim = sim;
    return { driver, sim };
  };

  describe.skipIf(!enabled)(`scale contract: ${name}`, () => {
    afterEach(async () => {
      await live.driver?.close();
      await live.sim?.close();
      live.driver = undefined;
      live.sim = undefined;
    });

    test("answers with a reading and becomes ready (hardware too)", async () => {
      const { driver } = await open();
      const r = await driver.nextReading(3000);
      expect(["stable", "motion", "over_capacity", "under_zero", "not_zeroed"]).toContain(r.status);
      await waitFor(() => driver.health.state === "ready", "ready");
    });

    test.skipIf(!simulated)(
      "scripted weight arrives as exact integer grams, stable and sellable",
      async () => {
        const { driver, sim } = await open();
        // NCI reports 10 g divisions; every protocol carries 1.250 kg exactly.
        sim!.set({ grams: 1250 });
        await waitFor(() => driver.last?.grams === 1250, "1250 g");
        expect(driver.last!.status).toBe("stable");
        expect(isSellableWeight(driver.last)).toBe(true);
        sim!.set({ grams: 12340 });
        await waitFor(() => driver.last?.grams === 12340, "12340 g");
      },
    );

    test.skipIf(!simulated)("motion, overload and under zero are reported and never sellable", async () => {
      const { driver, sim } = await open();
      sim!.set({ grams: 800, motion: true });
      await waitFor(() => driver.last?.status === "motion", "motion");
      expect(isSellableWeight(driver.last)).toBe(false);
      sim!.set({ motion: false, overCapacity: true });
      await waitFor(() => driver.last?.status === "over_capacity", "over capacity");
      expect(isSellableWeight(driver.last)).toBe(false);
      sim!.set({ overCapacity: false, grams: -20 });
      await waitFor(() => driver.last?.status === "under_zero", "under zero");
      expect(isSellableWeight(driver.last)).toBe(false);
    });

    test.skipIf(!simulated || codec.protocol === "cas" || codec.protocol === "mtsics")(
      "a scale not zeroed at power-up is reported as not zeroed",
      async () => {
        const { driver, sim } = await open();
        sim!.set({ grams: 0, notZeroed: true });
        await waitFor(() => driver.last?.status === "not_zeroed", "not zeroed");
      },
    );

    test.skipIf(!simulated || !codec.commands.includes("zero"))(
      "zero: accepted when stable, refused in motion",
      async () => {
        const { driver, sim } = await open();
        sim!.set({ grams: 40, motion: true });
        expect((await driver.command("zero")).ok).toBe(false);
        sim!.set({ motion: false });
        expect(await driver.command("zero")).toEqual({ ok: true });
        expect(sim!.state.grams).toBe(0);
      },
    );

    test.skipIf(!simulated || !codec.commands.includes("tare"))(
      "tare then net weight, clear tare back to gross",
      async () => {
        const { driver, sim } = await open();
        sim!.set({ grams: 150 });
        expect((await driver.command("tare")).ok).toBe(true);
        sim!.set({ grams: 1150 });
        await waitFor(() => driver.last?.grams === 1000, "net 1000 g");
        expect((await driver.command("clear_tare")).ok).toBe(true);
        await waitFor(() => driver.last?.grams === 1150, "gross 1150 g");
      },
    );

    test.skipIf(!codec.statusRequest)(
      "status request (NCI S): status bytes only, no weight, flags as the scale shows (hardware too)",
      async () => {
        // Straight on the line (no driver polling W in between), as the protocol document lists it.
        const sim = simulated ? await ScaleSimulator.start(target.protocol) : undefined;
        live.sim = sim;
        const tty: TtyLink = await openTty(sim?.path ?? target.device!, { baud: codec.defaultBaud });
        try {
          const decoder = codec.decoder();
          const frames: ReturnType<typeof decoder.push> = [];
          tty.on("data", (b) => frames.push(...decoder.push(fromLine(b, codec.framing))));
          const ask = async () => {
            frames.length = 0;
            await tty.write(toLine(codec.statusRequest!(), codec.framing));
            await waitFor(() => frames.length > 0, "status answer", 20_000);
            return frames[0]!;
          };
          const any = await ask();
          expect(any.kind).toBe("weight");
          if (any.kind === "weight") expect(any.reading.grams).toBeUndefined();
          if (!sim) return;
          expect(sim.received).toContain("status");
          sim.set({ grams: 1250 });
          expect(await ask()).toEqual({
            kind: "weight",
            reading: { grams: undefined, status: "stable", net: false, atZero: false },
          });
          sim.set({ grams: 0 });
          expect(await ask()).toMatchObject({
            reading: { grams: undefined, status: "stable", atZero: true },
          });
          sim.set({ grams: 300, motion: true });
          expect(await ask()).toMatchObject({ reading: { status: "motion", atZero: false } });
          sim.set({ motion: false, overCapacity: true });
          expect(await ask()).toMatchObject({ reading: { status: "over_capacity" } });
          sim.set({ overCapacity: false, grams: 0, notZeroed: true });
          expect(await ask()).toMatchObject({ reading: { status: "not_zeroed" } });
          sim.set({ notZeroed: false, grams: 200, tareG: 100 });
          expect(await ask()).toMatchObject({ reading: { status: "stable", net: true } });
        } finally {
          await tty.close();
        }
      },
    );

    // The bound is the driver's timeoutMs (default 1 s; the lane config refuses more than 2 s),
    // not a wall-clock assertion: on a loaded CI machine that would time the neighbours.
    test.skipIf(!simulated)(
      "a scale that stops answering is reported as not answering, and recovers",
      async () => {
        const { driver, sim } = await open();
        await waitFor(() => driver.health.state === "ready", "ready", 20_000);
        sim!.silent = true;
        await waitFor(() => driver.health.state === "error", "error", 20_000);
        expect(driver.health).toMatchObject({ reason: expect.stringMatching(/not answering/) });
        sim!.silent = false;
        await waitFor(() => driver.health.state === "ready", "ready again", 20_000);
      },
    );

    test.skipIf(!simulated)(
      "garbage bytes and a torn frame: the decoder resyncs, nothing crashes",
      async () => {
        const { driver, sim } = await open();
        sim!.set({ grams: 500 });
        await waitFor(() => driver.last?.grams === 500, "500 g");
        sim!.injectGarbage(Uint8Array.of(0x00, 0xff, 0x02, 0x41, 0x0d, 0x0a, 0x03, 0x7f, 0x99, 0x53, 0x20));
        sim!.tearNextFrame();
        sim!.set({ grams: 2000 });
        await waitFor(() => driver.last?.grams === 2000, "2000 g after garbage");
        expect(driver.droppedFrames).toBeGreaterThan(0);
        expect(driver.health.state).toBe("ready");
      },
    );

    test.skipIf(!simulated)("unplugged: reported as an error at once", async () => {
      const { driver, sim } = await open();
      await waitFor(() => driver.health.state === "ready", "ready");
      await sim!.unplug();
      await waitFor(() => driver.health.state === "error", "error after unplug", 20_000);
      expect(driver.health).toMatchObject({ reason: expect.stringMatching(/disconnected/) });
    });
  });
}
