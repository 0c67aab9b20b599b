// What this machine lets the fault suite inject for real: power loss needs a C compiler (the
// LD_PRELOAD shim, powerloss.ts); full and read-only disks need root (loop-mounted ext4, disk.ts).
// A class the machine cannot inject is skipped with its reason, printed in the report.
import { diskSkipReason } from "./disk.ts";
import { buildShim } from "./powerloss.ts";
import type { FaultClass } from "./schedule.ts";

export interface Host {
  /** The power-loss shim, when it could be built. */
  shim?: string;
  skipped: Partial<Record<FaultClass, string>>;
}

let cached: Host | undefined;

export function host(): Host {
  if (cached) return cached;
  const skipped: Host["skipped"] = {};
  const b = buildShim();
  if ("skip" in b) skipped["power-cut"] = b.skip;
  const disk = diskSkipReason();
  if (disk)
    for (const c of ["disk-full-edge", "disk-full-hub", "disk-readonly-edge", "disk-readonly-hub"] as const)
      skipped[c] = disk;
  cached = { ...("so" in b ? { shim: b.so } : {}), skipped };
  return cached;
}
