// The console's one dictionary, merged from one file per screen (zh-CN first, English beside
// it). A screen adds its texts in its own file here and one line to `screens`; `t` in
// i18n.svelte.ts reads the merged result. A key defined in two files is refused by
// i18n/index.test.ts (the later one would silently win), and a file here that is not listed
// in `screens` is refused by the same test.
import * as actors from "./actors.ts";
import * as audit from "./audit.ts";
import * as catalog from "./catalog.ts";
import * as changesets from "./changesets.ts";
import * as close from "./close.ts";
import * as common from "./common.ts";
import * as completeness from "./completeness.ts";
import * as coupons from "./coupons.ts";
import * as editors from "./editors.ts";
import * as exceptions from "./exceptions.ts";
import * as finance from "./finance.ts";
import * as fleet from "./fleet.ts";
import * as fleetops from "./fleetops.ts";
import * as lists from "./lists.ts";
import * as pricing from "./pricing.ts";
import * as reconciliation from "./reconciliation.ts";
import * as replenishment from "./replenishment.ts";
import * as reports from "./reports.ts";
import * as stock from "./stock.ts";
import * as storegroups from "./storegroups.ts";
import * as suppliers from "./suppliers.ts";
import * as tokens from "./tokens.ts";

export const screens = {
  common,
  fleet,
  fleetops,
  changesets,
  catalog,
  exceptions,
  stock,
  reports,
  finance,
  replenishment,
  tokens,
  completeness,
  coupons,
  reconciliation,
  close,
  audit,
  suppliers,
  editors,
  pricing,
  lists,
  storegroups,
  actors,
} as const;

type Screen = (typeof screens)[keyof typeof screens];
// Every screen's keys together: the union of the screens' objects turned into one object type.
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Merged = Intersection<Screen["zh"]>;
export type Key = keyof Merged & string;

function merge(lang: "zh" | "en"): Record<Key, string> {
  const out: Record<string, string> = {};
  for (const screen of Object.values(screens)) Object.assign(out, screen[lang]);
  return out as Record<Key, string>;
}

export const zh = merge("zh");
export const en = merge("en");
