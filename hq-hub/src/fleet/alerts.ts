// Fleet alerts: things about a store's (or the hub's) security that a person must see. One
// alert stays open per kind, store and subject; a repeat bumps its count and last time instead
// of opening another, so a session flapping between two clients is one alert whose count
// climbs, with every takeover kept in session_takeovers. An admin closes an alert; the next
// occurrence opens a new one.
import { and, asc, count, desc, eq, gt, gte, isNotNull, isNull, max, sql } from "drizzle-orm";
import type { RuleKind } from "../alerts/rules.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { fleetAlerts, sessionTakeovers, stores } from "../db/schema.ts";
import { NotFoundError, StateError } from "../errors.ts";

export type AlertKind =
  | "session_takeover"
  | "enrollment_rate_limited"
  | "till_pin_abuse"
  | "edge_storage"
  /** A store's certificate unknown to HQ (a hub restored from an older backup) was accepted and recorded (pki/). */
  | "certificate_recovered"
  /** Raised and cleared by the rules over the fleet status (alerts/). */
  | RuleKind;

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
  const orm = openDrizzle(db);

  function toAlert(r: typeof fleetAlerts.$inferSelect): FleetAlert {
    return {
      id: r.id,
      kind: r.kind as AlertKind,
      ...(r.storeId ? { storeId: r.storeId } : {}),
      subject: r.subject,
      openedAt: r.openedAt,
      lastAt: r.lastAt,
      count: r.count,
      detail: JSON.parse(r.detailJson),
      ...(r.closedAt ? { closedAt: r.closedAt, closedBy: r.closedBy as string } : {}),
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
      const open = orm
        .select()
        .from(fleetAlerts)
        .where(
          and(
            eq(fleetAlerts.kind, kind),
            storeId === undefined ? isNull(fleetAlerts.storeId) : eq(fleetAlerts.storeId, storeId),
            eq(fleetAlerts.subject, subject),
            isNull(fleetAlerts.closedAt),
          ),
        )
        .orderBy(desc(fleetAlerts.id))
        .limit(1)
        .get();
      if (open) {
        const next = detail(JSON.parse(open.detailJson));
        orm
          .update(fleetAlerts)
          .set({ lastAt: at, count: sql`${fleetAlerts.count} + 1`, detailJson: JSON.stringify(next) })
          .where(eq(fleetAlerts.id, open.id))
          .run();
        return get(open.id);
      }
      const { id } = orm
        .insert(fleetAlerts)
        .values({
          kind,
          storeId: storeId ?? null,
          subject,
          openedAt: at,
          lastAt: at,
          detailJson: JSON.stringify(detail(undefined)),
        })
        .returning({ id: fleetAlerts.id })
        .get();
      return get(id);
    })();
  }

  function get(id: number): FleetAlert {
    const r = orm.select().from(fleetAlerts).where(eq(fleetAlerts.id, id)).get();
    if (!r) throw new NotFoundError("alert", String(id));
    return toAlert(r);
  }

  function list(q: { open?: boolean; storeId?: string; region?: string; limit?: number } = {}): FleetAlert[] {
    const rows = orm
      .select({ alert: fleetAlerts })
      .from(fleetAlerts)
      .leftJoin(stores, eq(stores.id, fleetAlerts.storeId))
      .where(
        and(
          q.open ? isNull(fleetAlerts.closedAt) : undefined,
          q.storeId ? eq(fleetAlerts.storeId, q.storeId) : undefined,
          // A regional manager sees its stores' alerts; hub-wide ones (no store) are HQ's.
          q.region ? eq(stores.region, q.region) : undefined,
        ),
      )
      .orderBy(desc(fleetAlerts.lastAt), desc(fleetAlerts.id))
      .limit(q.limit ?? 200)
      .all();
    return rows.map((r) => toAlert(r.alert));
  }

  function close(id: number, actor: string): FleetAlert {
    const a = get(id);
    if (a.closedAt)
      throw new StateError(String(id), `alert ${id} was closed at ${a.closedAt} by ${a.closedBy}`);
    orm
      .update(fleetAlerts)
      .set({ closedAt: now().toISOString(), closedBy: actor })
      .where(eq(fleetAlerts.id, id))
      .run();
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
      (orm
        .select({ n: count() })
        .from(sessionTakeovers)
        .where(and(eq(sessionTakeovers.storeId, t.storeId), gte(sessionTakeovers.at, since)))
        .get()?.n ?? 0) + 1;
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
    orm
      .insert(sessionTakeovers)
      .values({
        storeId: t.storeId,
        at: at.toISOString(),
        newAddress: t.newAddress,
        oldAddress: t.oldAddress,
        oldConnectedAt: t.oldConnectedAt ?? null,
        alertId: alert.id,
      })
      .run();
    return alert;
  }

  function takeovers(storeId: string, limit = 100): SessionTakeover[] {
    return orm
      .select()
      .from(sessionTakeovers)
      .where(eq(sessionTakeovers.storeId, storeId))
      .orderBy(desc(sessionTakeovers.id))
      .limit(limit)
      .all()
      .map((r) => ({
        id: r.id,
        storeId: r.storeId,
        at: r.at,
        newAddress: r.newAddress,
        oldAddress: r.oldAddress,
        ...(r.oldConnectedAt ? { oldConnectedAt: r.oldConnectedAt } : {}),
      }));
  }

  /** Open alerts per store, for the fleet list. */
  function openByStore(): Map<string, number> {
    const rows = orm
      .select({ storeId: fleetAlerts.storeId, n: count() })
      .from(fleetAlerts)
      .where(and(isNull(fleetAlerts.closedAt), isNotNull(fleetAlerts.storeId)))
      .groupBy(fleetAlerts.storeId)
      .all();
    return new Map(rows.map((r) => [r.storeId as string, r.n]));
  }

  /** Alerts opened after `id` (the webhook hears of every new alert, whoever raised it). */
  function openedAfter(id: number): FleetAlert[] {
    return orm
      .select()
      .from(fleetAlerts)
      .where(gt(fleetAlerts.id, id))
      .orderBy(asc(fleetAlerts.id))
      .limit(1000)
      .all()
      .map(toAlert);
  }

  function lastId(): number {
    return (
      orm
        .select({ id: max(fleetAlerts.id) })
        .from(fleetAlerts)
        .get()?.id ?? 0
    );
  }

  return { raise, get, list, close, recordTakeover, takeovers, openByStore, openedAfter, lastId };
}

export type FleetAlerts = ReturnType<typeof createFleetAlerts>;
