// The alert watch: every sweep applies the rules (rules.ts) to every store's status, opens an
// alert (fleet_alerts, the same list as the security alerts) for a condition that has held for
// its grace time, and clears (closes, by "system") an open rule alert whose condition is gone.
// Every alert opened since the last sweep, whoever raised it (a session takeover too), and every
// one cleared goes to the webhook's queue (webhook.ts).
import type { FleetAlert, FleetAlerts } from "../fleet/alerts.ts";
import type { FleetRow } from "../fleet/fleet.ts";
import { type AlertThresholds, conditionsOf, RULE_KINDS, type RuleKind } from "./rules.ts";

export const CLEARED_BY = "system (condition cleared)";

export function createAlertWatch(deps: {
  now: () => Date;
  fleet: { list(): FleetRow[] };
  alerts: FleetAlerts;
  pointerOf: (storeId: string) => number;
  thresholds: AlertThresholds;
  notify: (alert: FleetAlert, event: "raised" | "cleared") => void;
}) {
  const { now, fleet, alerts, pointerOf, thresholds, notify } = deps;
  const ruleKinds = new Set<string>(RULE_KINDS);
  /** When each condition not yet alerted was first seen (ms): its grace time runs from there. */
  const pending = new Map<string, number>();
  let cursor = alerts.lastId();
  const keyOf = (kind: string, storeId: string | undefined, subject: string) =>
    `${kind}|${storeId ?? ""}|${subject}`;

  function sweep(): { raised: number; cleared: number } {
    const at = now();
    const open = new Map(
      alerts
        .list({ open: true, limit: 100_000 })
        .filter((a) => ruleKinds.has(a.kind))
        .map((a) => [keyOf(a.kind, a.storeId, a.subject), a]),
    );
    const holding = new Set<string>();
    let raised = 0;
    let cleared = 0;
    for (const row of fleet.list()) {
      if (row.state === "never_seen") continue;
      let pointer = 0;
      try {
        pointer = pointerOf(row.storeId);
      } catch {
        // a store without a release log yet: nothing to be behind
      }
      const conditions = conditionsOf({ ...row, pointerVersion: pointer }, at, thresholds);
      for (const c of conditions) {
        const key = keyOf(c.kind, row.storeId, c.subject);
        holding.add(key);
        if (open.has(key)) continue;
        const first = pending.get(key) ?? at.getTime();
        pending.set(key, first);
        if (at.getTime() - first < c.graceSec * 1000) continue;
        pending.delete(key);
        alerts.raise(c.kind as RuleKind, row.storeId, c.subject, () => c.detail);
        raised++;
      }
    }
    for (const key of pending.keys()) if (!holding.has(key)) pending.delete(key);
    for (const [key, a] of open)
      if (!holding.has(key)) {
        notify(alerts.close(a.id, CLEARED_BY), "cleared");
        cleared++;
      }
    // Every alert opened since the last sweep, by the rules or elsewhere.
    for (const a of alerts.openedAfter(cursor)) {
      cursor = a.id;
      notify(a, "raised");
    }
    return { raised, cleared };
  }

  return { sweep };
}

export type AlertWatch = ReturnType<typeof createAlertWatch>;
