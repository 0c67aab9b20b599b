// The lane devices contract on mode "bridge-sim": firmware-bridge's wire simulators started by
// the lane (printer on TCP, scale, scanner and display on PTYs), real codecs on every byte.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BridgeSimDevices } from "./bridge-sim.ts";
import { laneDevicesContract } from "./lane-devices.contract.ts";

laneDevicesContract("bridge-sim", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lane-bridge-sim-"));
  const d = new BridgeSimDevices("1", { scaleProtocol: "toledo8217", paper: 80 }, join(dir, "queue"));
  return {
    devices: d,
    ready: async () => {
      await d.ready;
    },
    scan: async (code) => {
      await d.simulateScan(code);
    },
    putOnScale: async (grams, stable) => {
      await d.simulateWeight(grams, stable);
    },
    printed: async () => (await d.printed()).map((p) => p.text),
    async close() {
      await d.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
