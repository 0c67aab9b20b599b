// Each store's ordered release log (migration 0010, docs/sync.md "Down: catalog change sets").
// Every release of a change set to a store appends it at the next position of the store's log;
// positions come from one counter shared with changesets.version, so a position is above every
// position handed out before it, in every log. A store is served its log in position order:
// a change set promoted after another release comes after it, whatever its version, and no
// store can skip it. Which change sets a store sees by rule (view.ts, visibleTo) decides only
// how a new or moved store's log is rebuilt (relistOrder); the log is what a store is served.

import { asc, eq, max, notExists, sql } from "drizzle-orm";
import { type ChangesetRef, releasedAt, relistOrder, type StoreRef } from "../catalog/view.ts";
import type { Drizzle, Sqlite } from "../db/open.ts";
import { catalogReleases, changesetAudit, changesets, settings, stores } from "../db/schema.ts";

export interface LogEntry {
  position: number;
  changesetId: number;
}

/** One store's log, ascending, with a signature of each prefix (equal prefixes, equal pages). */
export interface StoreLog {
  entries: LogEntry[];
  positions: number[];
  /** Index of each position in `entries`. */
  index: Map<number, number>;
  /** prefix[i]: a hash of entries[0..i] (positions and change sets), for page and price caches. */
  prefix: string[];
}

export function createReleaseLog(db: Sqlite, orm: Drizzle, now: () => Date) {
  // Statements read per catalog fetch and per release, prepared once.
  const highest = orm
    .select({
      version: max(changesets.version),
      pilot: max(changesets.pilotPosition),
      general: max(changesets.generalPosition),
    })
    .from(changesets)
    .prepare();
  const highestPosition = orm
    .select({ position: max(catalogReleases.position) })
    .from(catalogReleases)
    .prepare();
  const entriesOf = orm
    .select({ position: catalogReleases.position, changesetId: catalogReleases.changesetId })
    .from(catalogReleases)
    .where(eq(catalogReleases.storeId, sql.placeholder("storeId")))
    .orderBy(asc(catalogReleases.position))
    .prepare();
  const appendOne = orm
    .insert(catalogReleases)
    .values({
      storeId: sql.placeholder("storeId"),
      position: sql.placeholder("position"),
      changesetId: sql.placeholder("changesetId"),
      releasedAt: sql.placeholder("at"),
    })
    .onConflictDoNothing()
    .prepare();
  const releaseLogDone = orm
    .select({ key: settings.key })
    .from(settings)
    .where(eq(settings.key, "release_log"))
    .prepare();

  /** The next free position: above every version and position handed out. */
  function nextPosition(): number {
    const c = highest.get();
    const r = highestPosition.get();
    return Math.max(c?.version ?? 0, c?.pilot ?? 0, c?.general ?? 0, r?.position ?? 0) + 1;
  }

  function read(storeId: string): StoreLog {
    const entries: LogEntry[] = entriesOf
      .all({ storeId })
      .map((e) => ({ position: Number(e.position), changesetId: Number(e.changesetId) }));
    const prefix: string[] = [];
    let h = "0";
    for (const e of entries) {
      h = Bun.hash(`${h}|${e.position}|${e.changesetId}`).toString(36);
      prefix.push(h);
    }
    return {
      entries,
      positions: entries.map((e) => e.position),
      index: new Map(entries.map((e, i) => [e.position, i])),
      prefix,
    };
  }

  /** Must run inside a transaction. Appends a change set to stores' logs (once per store). */
  function append(storeIds: readonly string[], position: number, changesetId: number): void {
    const at = now().toISOString();
    for (const storeId of storeIds) appendOne.run({ storeId, position, changesetId, at });
  }

  function storesWith(changesetId: number): string[] {
    return orm
      .select({ storeId: catalogReleases.storeId })
      .from(catalogReleases)
      .where(eq(catalogReleases.changesetId, changesetId))
      .orderBy(asc(catalogReleases.storeId))
      .all()
      .map((r) => r.storeId);
  }

  /** Stores that have no log yet (created since the last release, or never reached). */
  function unlisted(): string[] {
    return orm
      .select({ id: stores.id })
      .from(stores)
      .where(
        notExists(
          orm.select({ one: sql`1` }).from(catalogReleases).where(eq(catalogReleases.storeId, stores.id)),
        ),
      )
      .orderBy(asc(stores.id))
      .all()
      .map((r) => r.id);
  }

  /**
   * Must run inside a transaction. Rebuilds a store's log from what it sees by rule, in release
   * order. A store never listed (new: no log, no floor) keeps the change sets at the positions
   * they were released at, like its peers (equal pages); a store that had a log (moved to
   * another region or ring, or the first start after migration 0010) gets them at fresh
   * positions above everything, and its snapshot floor is raised to the first of them, so it
   * takes one snapshot of exactly that fold. Returns whether anything is released to it.
   */
  function relist(store: StoreRef, changesets: readonly ChangesetRef[], fresh = false): boolean {
    const order = relistOrder(store, changesets);
    const had =
      orm
        .select({ one: sql`1` })
        .from(catalogReleases)
        .where(eq(catalogReleases.storeId, store.id))
        .limit(1)
        .get() !== undefined;
    const keys = order.map((cs) => releasedAt(store, cs));
    const increasing = keys.every((k, i) => k !== null && (i === 0 || k > keys[i - 1]!));
    if (!fresh && !had && store.snapshotFloor === 0 && increasing) {
      order.forEach((cs, i) => {
        append([store.id], keys[i]!, cs.id);
      });
      return order.length > 0;
    }
    orm.delete(catalogReleases).where(eq(catalogReleases.storeId, store.id)).run();
    const first = nextPosition();
    order.forEach((cs, i) => {
      append([store.id], first + i, cs.id);
    });
    orm.update(stores).set({ snapshotFloor: first }).where(eq(stores.id, store.id)).run();
    return order.length > 0;
  }

  /**
   * Once, at the first start after migration 0010: gives the change sets released before it
   * their places in release order (release and promotion events by time, from the audit trail)
   * and builds every store's log from them. The logs start above every old version, so each
   * store in the field takes one snapshot (which also repairs a store that skipped a promoted
   * version under the old serving).
   */
  function migrateOnce(
    stores: () => StoreRef[],
    listed: () => (ChangesetRef & { releasedAt: string | null; promotedAt: string | null })[],
  ): boolean {
    if (releaseLogDone.get()) return false;
    db.transaction(() => {
      if (releaseLogDone.get()) return;
      const promotedByAudit = new Set(
        orm
          .selectDistinct({ id: changesetAudit.changesetId })
          .from(changesetAudit)
          .where(eq(changesetAudit.action, "promote"))
          .all()
          .map((r) => r.id),
      );
      const events: { at: string; version: number; kind: 0 | 1; id: number }[] = [];
      for (const cs of listed()) {
        if (cs.version === null) continue;
        events.push({ at: cs.releasedAt ?? "", version: cs.version, kind: 0, id: cs.id });
        if (promotedByAudit.has(cs.id) && cs.promotedAt)
          events.push({ at: cs.promotedAt, version: cs.version, kind: 1, id: cs.id });
      }
      events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.version - b.version || a.kind - b.kind));
      let n = nextPosition();
      const pilotAt = new Map<number, number>();
      const generalAt = new Map<number, number>();
      for (const e of events) (e.kind === 0 ? pilotAt : generalAt).set(e.id, n++);
      for (const cs of listed()) {
        if (cs.version === null) continue;
        const pilot = pilotAt.get(cs.id)!;
        const general = generalAt.get(cs.id) ?? (cs.promoted ? pilot : null);
        orm
          .update(changesets)
          .set({ pilotPosition: pilot, generalPosition: general })
          .where(eq(changesets.id, cs.id))
          .run();
      }
      const updated = listed().map((cs) => ({
        ...cs,
        pilotPosition: pilotAt.get(cs.id) ?? null,
        generalPosition: generalAt.get(cs.id) ?? (cs.promoted ? (pilotAt.get(cs.id) ?? null) : null),
      }));
      for (const s of stores()) relist(s, updated, true);
      orm.insert(settings).values({ key: "release_log", value: "1" }).run();
    })();
    return true;
  }

  return { nextPosition, read, append, storesWith, unlisted, relist, migrateOnce };
}

export type ReleaseLog = ReturnType<typeof createReleaseLog>;
