// The catalog's facade: master-data edits into draft change sets (edits.ts, master.ts),
// rollout (../rollout/: release / promote / rollback with an audit trail, release logs,
// pointers), store fetches answered in pages (pages.ts), and the catalog a store had at a
// given version, for re-pricing its sales (as-of.ts). This file only wires them; callers keep
// one `Catalog` object.
import type { Sqlite } from "../db/open.ts";
import { createChangesetStore } from "../rollout/changesets.ts";
import { createStoreLogs } from "../rollout/logs.ts";
import { createRollout } from "../rollout/rollout.ts";
import { createCatalogAsOf } from "./as-of.ts";
import { createCatalogContext } from "./context.ts";
import { createEdits } from "./edits.ts";
import { createMasterListing } from "./listing.ts";
import { createMasterStore } from "./master.ts";
import { createPages } from "./pages.ts";
import { createPreviewStore } from "./preview-store.ts";
import { createProductSearch } from "./product-search.ts";

export type { ChangesetRow } from "./context.ts";
export { DEFAULT_DRAFT } from "./edits.ts";

export interface CatalogDeps {
  db: Sqlite;
  now: () => Date;
  /** Publishes a retained pointer to a store (after a release reaches it). */
  publishPointer: (storeId: string, pointer: { version: number; snapshotFloor: number }) => void;
}

export function createCatalog(deps: CatalogDeps) {
  const ctx = createCatalogContext(deps.db, deps.now);
  const changesets = createChangesetStore(ctx);
  const master = createMasterStore(ctx);
  const listing = createMasterListing(ctx, master);
  const logs = createStoreLogs(ctx, changesets, deps.publishPointer);
  const rollout = createRollout(ctx, changesets, logs, master);
  const edits = createEdits(ctx, changesets, master, rollout.createChangeset);
  const asOf = createCatalogAsOf(ctx, logs);
  const pages = createPages(ctx, changesets, logs, asOf);
  const search = createProductSearch(ctx.orm, ctx.now);
  const previews = createPreviewStore(ctx.orm, ctx.now);

  return {
    listMaster: listing.listMaster,
    /** The product picker: SKU, barcode, name or pinyin, paged with the total (product-search.ts). */
    searchProducts: search.search,
    /** What a change set changes where: stores, records, shelf prices old -> new (draft-preview.ts). */
    previewChangeset: (id: number, page: Parameters<typeof previews.preview>[1]) =>
      previews.preview(changesets.get(id), page),
    changesets: changesets.all,
    getChangeset: changesets.get,
    createChangeset: rollout.createChangeset,
    edit: edits.edit,
    editMany: edits.editMany,
    remove: edits.remove,
    release: rollout.release,
    promote: rollout.promote,
    rollback: rollout.rollback,
    rollout: rollout.rollout,
    fetchPage: pages.fetchPage,
    recordApplied: changesets.recordApplied,
    pointerOf: (storeId: string) => logs.pointerOf(ctx.store(storeId)),
    enlist: logs.enlist,
    relistStore: logs.relistStore,
    raiseSnapshotFloor: logs.raiseSnapshotFloor,
    /** A store's release log: positions and the change set at each, ascending. */
    logOf: (storeId: string) => logs.logOf(ctx.store(storeId)).entries,
    republishPointers: logs.republishPointers,
    publishPointerOf: logs.publishPointerOf,
    catalogAt: asOf.catalogAt,
    readMaster: master.readMaster,
    putItem: master.putItem,
    draftFor: edits.draftFor,
    /** Pack codes are no unit barcode and no other product's pack code (packs.ts). */
    checkProductPacks: edits.checkProductPacks,
    audit: changesets.audit,
    invalidate: ctx.invalidate,
  };
}

export type Catalog = ReturnType<typeof createCatalog>;
