// The lane devices contract on mode "bridge": the devices a lane's `bridge` section names, opened
// through firmware-bridge as on a real lane. Here they are firmware-bridge's simulators, started
// by the test on PTYs and TCP as real devices would sit on serial ports and the network.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BridgeDevices, loadBridge, parseBridgeConfig, plannedDevices } from "./bridge.ts";
import { WireSimulators } from "./bridge-sim.ts";
import { laneDevicesContract } from "./lane-devices.contract.ts";

laneDevicesContract("bridge", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lane-bridge-"));
  const sims = await WireSimulators.start({ scaleProtocol: "mtsics", paper: 58 });
  // The lane's store-edge.json section, as a store would write it, checked like at start.
  const config = parseBridgeConfig("7", sims.config("7", join(dir, "queue")), "lanes.7", dir);
  const d = new BridgeDevices("7", () => loadBridge().openLaneDevices(config), {}, plannedDevices(config));
  return {
    devices: d,
    ready: async () => {
      await d.ready;
    },
    scan: async (code) => {
      await sims.scanner.write(Uint8Array.from(`${code}\r`, (c) => c.charCodeAt(0)));
    },
    putOnScale: async (grams, stable) => {
      sims.scale.silent = grams === undefined;
      if (grams !== undefined) sims.scale.set({ grams, motion: !stable, overCapacity: false });
    },
    printed: async () => sims.printer.receipts.map((r) => r.text),
    async close() {
      await d.close();
      await sims.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
