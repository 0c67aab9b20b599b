// A change set's target as typed (kind + a list of regions or stores, or a ring) -> the Target
// the hub takes, and a target said in words; shared by 变更集 and the editors' draft bar.
import type { Target } from "./api-types.ts";

export function targetFromForm(kind: string, value: string): Target {
  const items = value.split(/[\s,，、]+/).filter(Boolean);
  if (kind === "region") return { kind: "region", regions: items };
  if (kind === "ring") return { kind: "ring", ring: value.trim() === "pilot" ? "pilot" : "general" };
  if (kind === "stores") return { kind: "stores", stores: items };
  return { kind: "all" };
}

export interface TargetWords {
  all: string;
  region: string;
  ring: (ring: "pilot" | "general") => string;
  stores: string;
}

const SHOWN = 5;

export function describeTarget(tg: Target, w: TargetWords): string {
  switch (tg.kind) {
    case "all":
      return w.all;
    case "region":
      return `${w.region}: ${tg.regions.join(", ")}`;
    case "ring":
      return w.ring(tg.ring);
    case "stores":
      // A store group's draft names hundreds of stores: the first few and how many in all.
      return tg.stores.length > SHOWN
        ? `${w.stores}: ${tg.stores.slice(0, SHOWN).join(", ")} … (${tg.stores.length})`
        : `${w.stores}: ${tg.stores.join(", ")}`;
  }
}
