// Fleet alerts: things about a store's (or the hub's) security that a person must see. One
// alert stays open per kind, store and subject; a repeat bumps its count and last time instead
// of opening another, so a session flapping between two clients is one alert whose count
// climbs, with every takeover kept in session_takeovers. An admin closes an alert; the next
// occurrence opens a new one.
import type { Sqlite } from "../db/open.ts";
import { NotFoundError, StateError } from "../errors.ts";

export type AlertKind = "session_takeover" | "enrollment_rate_limited" | "till_pin_abuse" | "edge_storage";

export interface FleetAlert {
  id: number;
  kind: AlertKind;
  storeId?: string;
  subject: string;
  openedAt: string;
  lastAt: string;
  count: number;
  detail: Record<string, unknown>;
  closedAt?: string;
  closedBy?: string;
}

export interface SessionTakeover {
  id: number;
  storeId: string;
  at: string;
  newAddress: string;
  oldAddress: string;
  oldConnectedAt?: string;
}

/** Takeovers of one store within this window count as flapping from the third on. */
export const FLAP_WINDOW_MS = 10 * 60_000;
export const FLAP_COUNT = 3;

export function createFleetAlerts(deps: { db: Sqlite; now: () => Date }) {
  const { db, now } = deps;

  function toAlert(r: Record<string, unknown>): FleetAlert {
    return {
      id: r.id as number,
      kind: r.kind as AlertKind,
      ...(r.store_id ? { storeId: r.store_id as string } : {}),
      subject: r.subject as string,
      openedAt: r.opened_at as string,
      lastAt: r.last_at as string,
      count: r.count as number,
      detail: JSON.parse(r.detail_json as string),
      ...(r.closed_at ? { closedAt: r.closed_at as string, closedBy: r.closed_by as string } : {}),
    };
  }

  /** Opens an alert, or bumps the open one of the same kind, store and subject. */
  function raise(
    kind: AlertKind,
    storeId: string | undefined,
    subject: string,
    detail: (previous: Record<string, unknown> | undefined) => Record<string, unknown>,
  ): FleetAlert {
    const at = now().toISOString();
    return db.transaction(() => {
      const open = db
        .prepare(
          "SELECT * FROM fleet_alerts WHERE kind = ? AND store_id IS ? AND subject = ? AND closed_at IS NULL ORDER BY id DESC LIMIT 1",
        )
        .get(kind, storeId ?? null, subject) as Record<string, unknown> | undefined;
      if (open) {
        const next = detail(JSON.parse(open.detail_json as string));
        db.prepare(
          "UPDATE fleet_alerts SET last_at = ?, count = count + 1, detail_json = ? WHERE id = ?",
        ).run(at, JSON.stringify(next), open.id as number);
        return get(open.id as number);
      }
      const info = db
        .prepare(
          "INSERT INTO fleet_alerts (kind, store_id, subject, opened_at, last_at, detail_json) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(kind, storeId ?? null, subject, at, at, JSON.stringify(detail(undefined)));
      return get(Number(info.lastInsertRowid));
    })();
  }

  function get(id: number): FleetAlert {
    const r = db.prepare("SELECT * FROM fleet_alerts WHERE id = ?").get(id) as
      | Record<string, unknown>
      | undefined;
    if (!r) throw new NotFoundError("alert", String(id));
    return toAlert(r);
  }

  function list(q: { open?: boolean; storeId?: string; region?: string; limit?: number } = {}): FleetAlert[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.open) where.push("a.closed_at IS NULL");
    if (q.storeId) {
      where.push("a.store_id = ?");
      args.push(q.storeId);
    }
    // A regional manager sees its stores' alerts; hub-wide ones (no store) are HQ's.
    if (q.region) {
      where.push("s.region = ?");
      args.push(q.region);
    }
    const rows = db
      .prepare(
        `SELECT a.* FROM fleet_alerts a LEFT JOIN stores s ON s.id = a.store_id
         ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY a.last_at DESC, a.id DESC LIMIT ?`,
      )
      .all(...args, q.limit ?? 200) as Record<string, unknown>[];
    return rows.map(toAlert);
  }

  function close(id: number, actor: string): FleetAlert {
    const a = get(id);
    if (a.closedAt)
      throw new StateError(String(id), `alert ${id} was closed at ${a.closedAt} by ${a.closedBy}`);
    db.prepare("UPDATE fleet_alerts SET closed_at = ?, closed_by = ? WHERE id = ?").run(
      now().toISOString(),
      actor,
      id,
    );
    return get(id);
  }

  /**
   * A second client authenticated with a store's credentials while its session was up (the
   * broker drops the older one). Kept, and raised as (or counted into) the store's alert.
   */
  function recordTakeover(t: Omit<SessionTakeover, "id" | "at">): FleetAlert {
    const at = now();
    const since = new Date(at.getTime() - FLAP_WINDOW_MS).toISOString();
    const recent =
      (
        db
          .prepare("SELECT count(*) AS n FROM session_takeovers WHERE store_id = ? AND at >= ?")
          .get(t.storeId, since) as { n: number }
      ).n + 1;
    const alert = raise("session_takeover", t.storeId, "", (prev) => {
      const seen = new Set<string>((prev?.addresses as string[] | undefined) ?? []);
      seen.add(t.oldAddress);
      seen.add(t.newAddress);
      return {
        newAddress: t.newAddress,
        oldAddress: t.oldAddress,
        addresses: [...seen].slice(-10),
        takeoversLast10Min: recent,
        flapping: recent >= FLAP_COUNT || Boolean(prev?.flapping),
      };
    });
    db.prepare(
      "INSERT INTO session_takeovers (store_id, at, new_address, old_address, old_connected_at, alert_id) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(t.storeId, at.toISOString(), t.newAddress, t.oldAddress, t.oldConnectedAt ?? null, alert.id);
    return alert;
  }

  function takeovers(storeId: string, limit = 100): SessionTakeover[] {
    return (
      db
        .prepare("SELECT * FROM session_takeovers WHERE store_id = ? ORDER BY id DESC LIMIT ?")
        .all(storeId, limit) as Record<string, unknown>[]
    ).map((r) => ({
      id: r.id as number,
      storeId: r.store_id as string,
      at: r.at as string,
      newAddress: r.new_address as string,
      oldAddress: r.old_address as string,
      ...(r.old_connected_at ? { oldConnectedAt: r.old_connected_at as string } : {}),
    }));
  }

  /** Open alerts per store, for the fleet list. */
  function openByStore(): Map<string, number> {
    const rows = db
      .prepare(
        "SELECT store_id, count(*) AS n FROM fleet_alerts WHERE closed_at IS NULL AND store_id IS NOT NULL GROUP BY store_id",
      )
      .all() as { store_id: string; n: number }[];
    return new Map(rows.map((r) => [r.store_id, r.n]));
  }

  return { raise, get, list, close, recordTakeover, takeovers, openByStore };
}

export type FleetAlerts = ReturnType<typeof createFleetAlerts>;
