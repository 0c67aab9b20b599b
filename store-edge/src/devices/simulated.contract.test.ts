// The lane devices contract on mode "simulated": the in-process devices of demos and tests.
import { laneDevicesContract } from "./lane-devices.contract.ts";
import { SimulatedDevices } from "./port.ts";

laneDevicesContract("simulated", async () => {
  const d = new SimulatedDevices("1");
  return {
    devices: d,
    ready: async () => {},
    scan: async (code) => d.simulateScan(code),
    putOnScale: async (grams, stable) => d.simulateWeight(grams, stable),
    printed: async () =>
      d.printed.map((p) => [p.receiptNo, p.title, ...p.lines.map((l) => l.left)].join("\n")),
    close: () => d.close(),
  };
});
