// What the catalog's modules share: the connection (raw and drizzle), the clock, prepared
// statements, the caches of built views and their invalidation, and the store refs they read.
import type { CheckedPromotions } from "@retail/protocol";
import { eq, ne, sql } from "drizzle-orm";
import type { Drizzle, Sqlite } from "../db/open.ts";
import { openDrizzle } from "../db/open.ts";
import { settings, stores } from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";
import type { CatalogView } from "../ingest/price-audit.ts";
import type { ChangesetAbout } from "../rollout/changeset-about.ts";
import type { StoreLog } from "../rollout/release-log.ts";
import type { PriceSchedule } from "./rules.ts";
import type { ChangesetRef, FetchPlan, StoreRef } from "./view.ts";

export interface ChangesetRow extends ChangesetRef {
  description: string;
  compensates: number | null;
  createdBy: string;
  createdAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  promotedBy: string | null;
  promotedAt: string | null;
  rolledBackBy: string | null;
  rolledBackAt: string | null;
  /** "catalog", or "members" for the periodic member balance sync. */
  kind: "catalog" | "members";
  /** What a change set the hub made by itself is about (null: a description a user typed). */
  about: ChangesetAbout | null;
}

/** A page ready to send: the payload's JSON is built (and validated) once, then reused. */
export interface PageSet {
  plan: Exclude<FetchPlan, { kind: "up_to_date" }>;
  /** Each page's payload JSON, UTF-8 encoded once. */
  pagesJson: Buffer[];
  /** The same pages with their items as `itemsGzip`, each compressed once on first request. */
  gzipJson: (Buffer | undefined)[];
}

/** Everything built from change sets, their items, stores and settings (see freshen). */
export interface CatalogCaches {
  changesets?: ChangesetRow[];
  logs: Map<string, StoreLog>;
  pages: Map<string, { value: PageSet; at: number }>;
  schedules: Map<string, PriceSchedule[]>;
  promotions: Map<string, CheckedPromotions | { error: string }>;
  catalogAt: Map<string, CatalogView>;
}

export function createCatalogContext(db: Sqlite, now: () => Date) {
  const orm: Drizzle = openDrizzle(db);
  // Prepared once per SQL text: imports and fetches run the same statements many times.
  const statements = new Map<string, ReturnType<typeof db.prepare<unknown[]>>>();
  const prep = (text: string) => {
    let st = statements.get(text);
    if (!st) {
      st = db.prepare<unknown[]>(text);
      statements.set(text, st);
    }
    return st;
  };
  const caches: CatalogCaches = {
    logs: new Map(),
    pages: new Map(),
    schedules: new Map(),
    promotions: new Map(),
    catalogAt: new Map(),
  };

  // Another connection (a second hub worker, the CLI, the ingest Worker) may have committed:
  // SQLite's data_version moves when anyone but this connection commits. Only a commit that
  // touched what these caches hold (change sets, their items, stores, settings) also moves
  // catalog_epoch (triggers, migration 0002), so the ingest Worker's group commits, which
  // touch none of them, do not throw the built pages away.
  // Raw: a pragma drizzle's builder cannot say, and catalog_epoch (triggers only) is not in
  // db/schema.ts.
  const dataVersion = prep("PRAGMA data_version");
  const epoch = prep("SELECT n FROM catalog_epoch WHERE id = 1");
  let seenDataVersion = -1;
  let seenEpoch = -1;
  const readEpoch = (): number => (epoch.get() as { n: number } | undefined)?.n ?? 0;

  function invalidate() {
    caches.changesets = undefined;
    caches.logs.clear();
    caches.pages.clear();
    caches.schedules.clear();
    caches.promotions.clear();
    caches.catalogAt.clear();
    // This connection's own catalog writes moved the epoch too: they are what was just dropped.
    seenEpoch = readEpoch();
  }

  function freshen() {
    const v = (dataVersion.get() as { data_version: number }).data_version;
    if (v === seenDataVersion) return;
    seenDataVersion = v;
    const e = readEpoch();
    if (e !== seenEpoch) {
      if (seenEpoch !== -1) invalidate();
      seenEpoch = e;
    }
  }

  const storeById = orm
    .select({
      id: stores.id,
      name: stores.name,
      region: stores.region,
      ring: stores.ring,
      snapshotFloor: stores.snapshotFloor,
    })
    .from(stores)
    .where(eq(stores.id, sql.placeholder("id")))
    .prepare();

  function store(id: string): StoreRef & { name: string } {
    const row = storeById.get({ id });
    if (!row) throw new NotFoundError("store", id);
    return row;
  }

  const storeRef = {
    id: stores.id,
    region: stores.region,
    ring: stores.ring,
    snapshotFloor: stores.snapshotFloor,
  };
  const enrolledStores = orm
    .select(storeRef)
    .from(stores)
    .where(ne(stores.enrollmentState, "revoked"))
    .prepare();
  const everyStore = orm.select(storeRef).from(stores).prepare();

  function allStores(withRevoked = false): StoreRef[] {
    return (withRevoked ? everyStore : enrolledStores).all();
  }

  const floorSetting = orm
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, "snapshot_floor"))
    .prepare();

  function globalFloor(): number {
    const row = floorSetting.get();
    return row ? Number(row.value) : 0;
  }

  return { db, orm, now, prep, caches, freshen, invalidate, store, allStores, globalFloor };
}

export type CatalogContext = ReturnType<typeof createCatalogContext>;
