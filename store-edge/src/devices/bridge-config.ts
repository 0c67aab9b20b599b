// A bridge lane's configuration: firmware-bridge loaded on first use, the lane's `bridge`
// section checked with its LaneDevicesConfig (a bad field named by its whole path), and the
// devices it names (for health before the lane is open).
import { join } from "node:path";
import type { LaneDevicesConfig } from "@retail/firmware-bridge";
import { invalid } from "../errors.ts";
import type { DeviceHealth } from "./port.ts";

type BridgeModule = typeof import("@retail/firmware-bridge");
let bridgeModule: BridgeModule | undefined;

/**
 * firmware-bridge, loaded on first use: it brings native addons (usb, canvas; ~20 MB of RSS)
 * that an edge without bridge lanes should not pay for.
 */
export function loadBridge(): BridgeModule {
  bridgeModule ??= require("@retail/firmware-bridge") as BridgeModule;
  return bridgeModule;
}

/**
 * Validates a lane's `bridge` section with firmware-bridge's `LaneDevicesConfig`. `lane` defaults
 * to the lane id and the printer's `queueDir` to `<data>/print-queue/lane-<id>`. A bad field is
 * reported with its whole path, e.g. `lanes.2.bridge.scale.port.path: ...`.
 */
export function parseBridgeConfig(
  lane: string,
  raw: unknown,
  where: string,
  dataDir: string,
): LaneDevicesConfig {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw invalid(
      `${where}.bridge`,
      'mode "bridge" needs the lane\'s devices (firmware-bridge LaneDevicesConfig)',
    );
  const input = structuredClone(raw) as Record<string, unknown>;
  input.lane ??= lane;
  const printer = input.printer as Record<string, unknown> | undefined;
  if (printer && typeof printer === "object" && printer.queueDir === undefined)
    printer.queueDir = join(dataDir, "print-queue", `lane-${lane}`);
  const r = loadBridge().LaneDevicesConfig.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = [where, "bridge", ...issue.path.map(String)].join(".");
    throw invalid(path, issue.message);
  }
  return r.data;
}

type Kind = DeviceHealth["kind"];
export interface PlannedDevice {
  kind: Kind;
  device: string;
}

/** The devices a parsed config names (for health before the lane is open). */
export function plannedDevices(c: LaneDevicesConfig): PlannedDevice[] {
  const out: PlannedDevice[] = c.scanners.map((s) => ({ kind: "scanner" as const, device: s.id }));
  if (c.scale) out.push({ kind: "scale", device: c.scale.id });
  if (c.printer)
    out.push({ kind: "printer", device: c.printer.id }, { kind: "drawer", device: drawerId(c.printer.id) });
  if (c.display) out.push({ kind: "display", device: c.display.id });
  return out;
}

export const drawerId = (printer: string) => `${printer}:drawer`;
