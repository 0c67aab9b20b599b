// Each store's release log as the catalog serves it (release-log.ts is its storage), the
// pointer it implies, and the publishing of pointers when logs move.
import { sql } from "drizzle-orm";
import type { CatalogContext } from "../catalog/context.ts";
import { pointerFor, relistOrder, type StoreRef } from "../catalog/view.ts";
import { settings } from "../db/schema.ts";
import type { ChangesetStore } from "./changesets.ts";
import { createReleaseLog, type StoreLog } from "./release-log.ts";

export function createStoreLogs(
  ctx: CatalogContext,
  changesets: ChangesetStore,
  publishPointer: (storeId: string, pointer: { version: number; snapshotFloor: number }) => void,
) {
  const { db, caches } = ctx;
  const releaseLog = createReleaseLog(db, ctx.orm, ctx.now);

  /**
   * A store's release log. A store that has none yet while something is released to its
   * target (created after those releases) is listed first: its log is built in release order.
   */
  function logOf(s: StoreRef): StoreLog {
    ctx.freshen();
    let log = caches.logs.get(s.id);
    if (log) return log;
    log = releaseLog.read(s.id);
    if (log.entries.length === 0 && relistOrder(s, changesets.all()).length > 0) {
      db.transaction(() => {
        if (releaseLog.read(s.id).entries.length === 0) releaseLog.relist(s, changesets.all());
      })();
      ctx.invalidate();
      return logOf(ctx.store(s.id));
    }
    caches.logs.set(s.id, log);
    return log;
  }

  function pointerOf(s: StoreRef) {
    return pointerFor(s, logOf(s).positions, ctx.globalFloor());
  }

  /** Must run inside a transaction: lists every store without a log (before a release moves on). */
  function listNewStores() {
    const unlisted = new Set(releaseLog.unlisted());
    if (unlisted.size === 0) return;
    for (const s of ctx.allStores(true)) if (unlisted.has(s.id)) releaseLog.relist(s, changesets.all());
  }

  /** Lists a store just created (its log: everything already released to its target). */
  function enlist(storeId: string) {
    const s = ctx.store(storeId);
    db.transaction(() => {
      if (releaseLog.read(s.id).entries.length === 0) releaseLog.relist(s, changesets.all());
    })();
    ctx.invalidate();
  }

  /**
   * A store moved to another region or ring: its log is rebuilt from what it now sees, in
   * release order, at fresh positions, and it takes one snapshot of that.
   */
  function relistStore(storeId: string) {
    const s = ctx.store(storeId);
    db.transaction(() => releaseLog.relist(s, changesets.all(), true))();
    ctx.invalidate();
    publishPointerOf(storeId);
  }

  /**
   * Every store below the current last position takes a snapshot on its next fetch (the global
   * snapshot floor), as after a compaction of old change sets.
   */
  function raiseSnapshotFloor(): number {
    const floor = releaseLog.nextPosition() - 1;
    ctx.orm
      .insert(settings)
      .values({ key: "snapshot_floor", value: String(floor) })
      .onConflictDoUpdate({ target: settings.key, set: { value: sql.raw("excluded.value") } })
      .run();
    ctx.invalidate();
    republishPointers();
    return floor;
  }

  /** Every store's current pointer version, to announce what a change moved. */
  function versions(): Map<string, number> {
    return new Map(ctx.allStores().map((s) => [s.id, pointerOf(s).version]));
  }

  /** Publishes the retained pointer of every store whose latest version moved. */
  function announce(before: Map<string, number>) {
    for (const s of ctx.allStores()) {
      const p = pointerOf(s);
      if (before.get(s.id) !== p.version) publishPointer(s.id, p);
    }
  }

  function republishPointers() {
    for (const s of ctx.allStores()) publishPointer(s.id, pointerOf(s));
  }

  /** A newly enrolled store finds its (retained) pointer waiting when it first connects. */
  function publishPointerOf(storeId: string) {
    publishPointer(storeId, pointerOf(ctx.store(storeId)));
  }

  // Stores and change sets from before the release log (migration 0010): their logs, once.
  if (releaseLog.migrateOnce(() => ctx.allStores(true), changesets.all)) ctx.invalidate();

  return {
    releaseLog,
    logOf,
    pointerOf,
    listNewStores,
    enlist,
    relistStore,
    raiseSnapshotFloor,
    versions,
    announce,
    republishPointers,
    publishPointerOf,
  };
}

export type StoreLogs = ReturnType<typeof createStoreLogs>;
