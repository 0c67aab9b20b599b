// An actor string as the hub records it, in words. The forms the hub writes:
//   "王芳 (hq_admin)"                a token's name and role (http/scope.ts)
//   "system", "system (...)"         the hub itself (alerts cleared, CAS defaults seeded)
//   "auto-replenishment"             a scheduled replenishment run (replenishment/auto.ts)
//   "markdown-schedule"              the expiry markdown schedule (batches/markdown-runs.ts)
//   "store S001"                     a store's own report (an order's status from the edge)
//   "store S001 cashier 9001", "till:S001:9001", "store:S001/9001"   a till's cashier
//   "store:S001"                     a store's certificate name
// Anything else (a name typed by a user) is shown as it is.

export type ActorKey =
  | "actorSystem"
  | "actorSystemCleared"
  | "actorSystemCas"
  | "actorAutoReplenishment"
  | "actorMarkdownSchedule"
  | "actorStore"
  | "actorStoreCashier"
  | "actorCashier"
  | "role_hq_admin"
  | "role_regional_manager"
  | "role_auditor"
  | "role_store_manager";

/** The text for a key, or undefined when the dictionary has none. */
export type ActorWords = (key: ActorKey) => string | undefined;

const fill = (text: string, params: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (m, k: string) => params[k] ?? m);

const SYSTEM: Record<string, ActorKey> = {
  "": "actorSystem",
  "condition cleared": "actorSystemCleared",
  "CAS defaults": "actorSystemCas",
};
const NAMED: Record<string, ActorKey> = {
  "auto-replenishment": "actorAutoReplenishment",
  "markdown-schedule": "actorMarkdownSchedule",
};

export function actorText(actor: string | null | undefined, w: ActorWords): string {
  if (!actor) return "—";
  const say = (key: ActorKey, params: Record<string, string> = {}) => {
    const text = w(key);
    return text === undefined ? actor : fill(text, params);
  };
  let m = /^(.*) \((hq_admin|regional_manager|auditor|store_manager)\)$/s.exec(actor);
  if (m) {
    const role = w(`role_${m[2]}` as ActorKey);
    return role ? `${m[1]} (${role})` : actor;
  }
  m = /^system(?: \((.*)\))?$/.exec(actor);
  if (m) return SYSTEM[m[1] ?? ""] ? say(SYSTEM[m[1] ?? ""]!) : `${say("actorSystem")} (${m[1]})`;
  const named = NAMED[actor];
  if (named) return say(named);
  m =
    /^store (\S+) cashier (\S+)$/.exec(actor) ??
    /^till:([^:\s]+):(\S+)$/.exec(actor) ??
    /^store:([^/\s]+)\/(\S+)$/.exec(actor);
  if (m) return say("actorStoreCashier", { store: m[1]!, cashier: m[2]! });
  m = /^store[ :](\S+)$/.exec(actor);
  if (m) return say("actorStore", { store: m[1]! });
  return actor;
}

/** A store's cashier named by code alone (a receipt's confirmer, a stocktake's counter). */
export function cashierText(code: string | null | undefined, w: ActorWords): string {
  if (!code) return "—";
  const text = w("actorCashier");
  return /^\d{3,8}$/.test(code) && text ? fill(text, { cashier: code }) : actorText(code, w);
}
