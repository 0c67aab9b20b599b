// Each store's ordered release log (migration 0010, docs/sync.md "Down: catalog change sets").
// Every release of a change set to a store appends it at the next position of the store's log;
// positions come from one counter shared with changesets.version, so a position is above every
// position handed out before it, in every log. A store is served its log in position order:
// a change set promoted after another release comes after it, whatever its version, and no
// store can skip it. Which change sets a store sees by rule (view.ts, visibleTo) decides only
// how a new or moved store's log is rebuilt (relistOrder); the log is what a store is served.

import { type ChangesetRef, releasedAt, relistOrder, type StoreRef } from "../catalog/view.ts";
import type { Sqlite } from "../db/open.ts";

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

export function createReleaseLog(
  db: Sqlite,
  prep: (sql: string) => ReturnType<typeof db.prepare<unknown[]>>,
  now: () => Date,
) {
  /** The next free position: above every version and position handed out. */
  function nextPosition(): number {
    const r = prep(
      `SELECT MAX(COALESCE((SELECT MAX(version) FROM changesets), 0),
                  COALESCE((SELECT MAX(pilot_position) FROM changesets), 0),
                  COALESCE((SELECT MAX(general_position) FROM changesets), 0),
                  COALESCE((SELECT MAX(position) FROM catalog_releases), 0)) AS v`,
    ).get() as { v: number };
    return r.v + 1;
  }

  function read(storeId: string): StoreLog {
    const entries = (
      prep(
        "SELECT position, changeset_id AS changesetId FROM catalog_releases WHERE store_id = ? ORDER BY position",
      ).all(storeId) as LogEntry[]
    ).map((e) => ({ position: Number(e.position), changesetId: Number(e.changesetId) }));
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
    const st = prep(
      "INSERT INTO catalog_releases (store_id, position, changeset_id, released_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    );
    const at = now().toISOString();
    for (const id of storeIds) st.run(id, position, changesetId, at);
  }

  function storesWith(changesetId: number): string[] {
    return (
      prep("SELECT store_id FROM catalog_releases WHERE changeset_id = ? ORDER BY store_id").all(
        changesetId,
      ) as { store_id: string }[]
    ).map((r) => r.store_id);
  }

  /** Stores that have no log yet (created since the last release, or never reached). */
  function unlisted(): string[] {
    return (
      prep(
        "SELECT id FROM stores WHERE NOT EXISTS (SELECT 1 FROM catalog_releases r WHERE r.store_id = stores.id) ORDER BY id",
      ).all() as { id: string }[]
    ).map((r) => r.id);
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
    const had = prep("SELECT 1 FROM catalog_releases WHERE store_id = ? LIMIT 1").get(store.id) !== undefined;
    const keys = order.map((cs) => releasedAt(store, cs));
    const increasing = keys.every((k, i) => k !== null && (i === 0 || k > keys[i - 1]!));
    if (!fresh && !had && store.snapshotFloor === 0 && increasing) {
      order.forEach((cs, i) => {
        append([store.id], keys[i]!, cs.id);
      });
      return order.length > 0;
    }
    prep("DELETE FROM catalog_releases WHERE store_id = ?").run(store.id);
    const first = nextPosition();
    order.forEach((cs, i) => {
      append([store.id], first + i, cs.id);
    });
    prep("UPDATE stores SET snapshot_floor = ? WHERE id = ?").run(first, store.id);
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
    changesets: () => (ChangesetRef & { releasedAt: string | null; promotedAt: string | null })[],
  ): boolean {
    if (prep("SELECT 1 FROM settings WHERE key = 'release_log'").get()) return false;
    db.transaction(() => {
      if (prep("SELECT 1 FROM settings WHERE key = 'release_log'").get()) return;
      const promotedByAudit = new Set(
        (
          prep("SELECT DISTINCT changeset_id FROM changeset_audit WHERE action = 'promote'").all() as {
            changeset_id: number;
          }[]
        ).map((r) => r.changeset_id),
      );
      const events: { at: string; version: number; kind: 0 | 1; id: number }[] = [];
      for (const cs of changesets()) {
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
      const set = prep("UPDATE changesets SET pilot_position = ?, general_position = ? WHERE id = ?");
      for (const cs of changesets()) {
        if (cs.version === null) continue;
        const pilot = pilotAt.get(cs.id)!;
        const general = generalAt.get(cs.id) ?? (cs.promoted ? pilot : null);
        set.run(pilot, general, cs.id);
      }
      const updated = changesets().map((cs) => ({
        ...cs,
        pilotPosition: pilotAt.get(cs.id) ?? null,
        generalPosition: generalAt.get(cs.id) ?? (cs.promoted ? (pilotAt.get(cs.id) ?? null) : null),
      }));
      for (const s of stores()) relist(s, updated, true);
      prep("INSERT INTO settings (key, value) VALUES ('release_log', '1')").run();
    })();
    return true;
  }

  return { nextPosition, read, append, storesWith, unlisted, relist, migrateOnce };
}

export type ReleaseLog = ReturnType<typeof createReleaseLog>;
