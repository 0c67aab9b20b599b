// The catalog's I/O edge: master-data edits into draft change sets, release / promote /
// rollback with an audit trail, pointers, store fetches answered in pages, and the catalog a
// store had at a given version (for re-pricing its sales). Decisions live in rules.ts and
// view.ts; this file reads and writes.
import {
  type ChangeItem,
  type CheckedPromotions,
  categoryLeaves,
  checkPromotions,
  expandPromotionCategories,
  gzipJson,
  MAX_MQTT_PAYLOAD_BYTES,
  makeEnvelope,
  type Price,
  PricingError,
  type Promotion,
} from "@retail/protocol";
import type { Sqlite } from "../db/open.ts";
import { NotFoundError, StateError, ValidationError } from "../errors.ts";
import type { CatalogView } from "../ingest/price-audit.ts";
import { createReleaseLog, type StoreLog } from "./release-log.ts";
import {
  checkBarcode,
  checkCashier,
  checkCoupon,
  checkMember,
  checkPriceSchedule,
  checkProduct,
  checkPromotion,
  ENTITIES,
  type Entity,
  keyOf,
  type PriceSchedule,
  parsePriceKey,
  priceKey,
} from "./rules.ts";
import {
  type ChangesetRef,
  type ChangesetState,
  type FetchPlan,
  type ItemRow,
  inTarget,
  MAX_PAGE_ITEMS,
  pageBounds,
  pagePayload,
  planFetch,
  pointerFor,
  relistOrder,
  resolvePrice,
  type StoreRef,
  storeItems,
  type Target,
} from "./view.ts";

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
}

export interface CatalogDeps {
  db: Sqlite;
  now: () => Date;
  /** Publishes a retained pointer to a store (after a release reaches it). */
  publishPointer: (storeId: string, pointer: { version: number; snapshotFloor: number }) => void;
}

/** A page ready to send: the payload's JSON is built (and validated) once, then reused. */
interface PageSet {
  plan: Exclude<FetchPlan, { kind: "up_to_date" }>;
  /** Each page's payload JSON, UTF-8 encoded once. */
  pagesJson: Buffer[];
  /** The same pages with their items as `itemsGzip`, each compressed once on first request. */
  gzipJson: (Buffer | undefined)[];
}

const ITEMS_KEY = Buffer.from(',"items":[');

/**
 * A page's payload with its items as `itemsGzip`. The head built by buildPages has no "items"
 * text of its own, so the first `,"items":[` is where the items begin; the items' JSON array
 * is compressed as it was serialised. A page whose base64 would outgrow a page's bound (items
 * that do not compress; never seen in a catalog) keeps its plain items.
 */
function gzipPage(plain: Buffer): Buffer {
  const at = plain.indexOf(ITEMS_KEY);
  if (at < 0) return plain;
  const itemsJson = plain.subarray(at + ITEMS_KEY.length - 1, plain.length - 1).toString("utf8");
  const gz = gzipJson(itemsJson);
  const out = Buffer.from(`${plain.subarray(0, at).toString("utf8")},"itemsGzip":"${gz}"}`);
  return out.length <= MAX_MQTT_PAYLOAD_BYTES - 4096 ? out : plain;
}

type Cached<T> = { value: T; at: number };

const ENTITY_RANK = Object.fromEntries(ENTITIES.map((e, i) => [e, i])) as Record<Entity, number>;

/** Description of the chain-wide draft that collects edits made without naming a change set. */
export const DEFAULT_DRAFT = "edits";

export function createCatalog(deps: CatalogDeps) {
  const { db, now } = deps;
  // Prepared once per SQL text: imports and fetches run the same statements many times.
  const statements = new Map<string, ReturnType<typeof db.prepare<unknown[]>>>();
  const prep = (sql: string) => {
    let st = statements.get(sql);
    if (!st) {
      st = db.prepare(sql);
      statements.set(sql, st);
    }
    return st;
  };
  let changesetCache: ChangesetRow[] | undefined;
  const releaseLog = createReleaseLog(db, prep, now);
  const logCache = new Map<string, StoreLog>();
  const pageCache = new Map<string, Cached<PageSet>>();
  const scheduleCache = new Map<string, PriceSchedule[]>();
  const promoCache = new Map<string, CheckedPromotions | { error: string }>();

  const invalidate = () => {
    changesetCache = undefined;
    logCache.clear();
    pageCache.clear();
    scheduleCache.clear();
    promoCache.clear();
    catalogAtCache.clear();
    // This connection's own catalog writes moved the epoch too: they are what was just dropped.
    seenEpoch = readEpoch();
  };

  // Another connection (a second hub worker, the CLI, the ingest Worker) may have committed:
  // SQLite's data_version moves when anyone but this connection commits. Only a commit that
  // touched what these caches hold (change sets, their items, stores, settings) also moves
  // catalog_epoch (triggers, migration 0002), so the ingest Worker's group commits, which
  // touch none of them, do not throw the built pages away.
  const dataVersion = prep("PRAGMA data_version");
  const epoch = prep("SELECT n FROM catalog_epoch WHERE id = 1");
  let seenDataVersion = -1;
  let seenEpoch = -1;
  function readEpoch(): number {
    return (epoch.get() as { n: number } | undefined)?.n ?? 0;
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

  let byId: { of: ChangesetRow[]; map: Map<number, ChangesetRow> } | undefined;
  function changesetById(id: number): ChangesetRow | undefined {
    const all = changesets();
    if (byId?.of !== all) byId = { of: all, map: new Map(all.map((c) => [c.id, c])) };
    return byId.map.get(id);
  }

  function changesets(): ChangesetRow[] {
    freshen();
    if (changesetCache) return changesetCache;
    const rows = prep("SELECT * FROM changesets ORDER BY id").all() as Record<string, unknown>[];
    changesetCache = rows.map(toChangeset);
    return changesetCache;
  }

  function store(id: string): StoreRef & { name: string } {
    const row = db
      .prepare("SELECT id, name, region, ring, snapshot_floor FROM stores WHERE id = ?")
      .get(id) as
      | { id: string; name: string; region: string; ring: string; snapshot_floor: number }
      | undefined;
    if (!row) throw new NotFoundError("store", id);
    return {
      id: row.id,
      name: row.name,
      region: row.region,
      ring: row.ring,
      snapshotFloor: row.snapshot_floor,
    };
  }

  function allStores(withRevoked = false): StoreRef[] {
    return (
      db
        .prepare(
          `SELECT id, region, ring, snapshot_floor FROM stores${withRevoked ? "" : " WHERE enrollment_state != 'revoked'"}`,
        )
        .all() as {
        id: string;
        region: string;
        ring: string;
        snapshot_floor: number;
      }[]
    ).map((r) => ({ id: r.id, region: r.region, ring: r.ring, snapshotFloor: r.snapshot_floor }));
  }

  function globalFloor(): number {
    const row = prep("SELECT value FROM settings WHERE key = 'snapshot_floor'").get() as
      | { value: string }
      | undefined;
    return row ? Number(row.value) : 0;
  }

  function pointerOf(s: StoreRef) {
    return pointerFor(s, logOf(s).positions, globalFloor());
  }

  /**
   * A store's release log. A store that has none yet while something is released to its
   * target (created after those releases) is listed first: its log is built in release order.
   */
  function logOf(s: StoreRef): StoreLog {
    freshen();
    let log = logCache.get(s.id);
    if (log) return log;
    log = releaseLog.read(s.id);
    if (log.entries.length === 0 && relistOrder(s, changesets()).length > 0) {
      db.transaction(() => {
        if (releaseLog.read(s.id).entries.length === 0) releaseLog.relist(s, changesets());
      })();
      invalidate();
      return logOf(store(s.id));
    }
    logCache.set(s.id, log);
    return log;
  }

  /** Must run inside a transaction: lists every store without a log (before a release moves on). */
  function listNewStores() {
    const unlisted = new Set(releaseLog.unlisted());
    if (unlisted.size === 0) return;
    for (const s of allStores(true)) if (unlisted.has(s.id)) releaseLog.relist(s, changesets());
  }

  /** Lists a store just created (its log: everything already released to its target). */
  function enlist(storeId: string) {
    const s = store(storeId);
    db.transaction(() => {
      if (releaseLog.read(s.id).entries.length === 0) releaseLog.relist(s, changesets());
    })();
    invalidate();
  }

  /**
   * A store moved to another region or ring: its log is rebuilt from what it now sees, in
   * release order, at fresh positions, and it takes one snapshot of that.
   */
  function relistStore(storeId: string) {
    const s = store(storeId);
    db.transaction(() => releaseLog.relist(s, changesets(), true))();
    invalidate();
    publishPointerOf(storeId);
  }

  /**
   * Every store below the current last position takes a snapshot on its next fetch (the global
   * snapshot floor), as after a compaction of old change sets.
   */
  function raiseSnapshotFloor(): number {
    const floor = releaseLog.nextPosition() - 1;
    prep(
      "INSERT INTO settings (key, value) VALUES ('snapshot_floor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(String(floor));
    invalidate();
    republishPointers();
    return floor;
  }

  // ------------------------------------------------------------------------------------------
  // Edits.

  function draftFor(actor: string, changesetId?: number): number {
    if (changesetId !== undefined) {
      const cs = changesets().find((c) => c.id === changesetId);
      if (!cs) throw new NotFoundError("changeset", String(changesetId));
      if (cs.state !== "draft")
        throw new StateError(String(changesetId), `change set ${changesetId} is ${cs.state}, not a draft`);
      return changesetId;
    }
    // No change set named: the newest draft collects the edit (one is opened when none is).
    // Only the default draft (chain-wide, opened this way) collects unnamed edits, never a
    // draft someone opened for a narrower target.
    const draft = [...changesets()]
      .reverse()
      .find((c) => c.state === "draft" && c.description === DEFAULT_DRAFT && c.target.kind === "all");
    return draft
      ? draft.id
      : createChangeset(actor, { description: DEFAULT_DRAFT, target: { kind: "all" } }).id;
  }

  function createChangeset(
    actor: string,
    input: { description?: string; target: Target; effectiveAt?: string },
  ): ChangesetRow {
    const at = now().toISOString();
    const info = db
      .prepare(
        "INSERT INTO changesets (description, target_json, state, effective_at, created_by, created_at) VALUES (?, ?, 'draft', ?, ?, ?)",
      )
      .run(input.description ?? "", JSON.stringify(input.target), input.effectiveAt ?? null, actor, at);
    const id = Number(info.lastInsertRowid);
    audit(id, "create", actor, input.description ?? "");
    invalidate();
    return getChangeset(id);
  }

  function getChangeset(id: number): ChangesetRow {
    const cs = changesets().find((c) => c.id === id);
    if (!cs) throw new NotFoundError("changeset", String(id));
    return cs;
  }

  function audit(changesetId: number, action: string, actor: string, detail = "") {
    prep("INSERT INTO changeset_audit (changeset_id, action, actor, at, detail) VALUES (?, ?, ?, ?, ?)").run(
      changesetId,
      action,
      actor,
      now().toISOString(),
      detail,
    );
  }

  /** Validates an edit (schema + rules against the master data) and returns its item. */
  async function validate(entity: Entity, input: unknown): Promise<{ key: string; data: unknown }> {
    let data: unknown;
    switch (entity) {
      case "product":
        data = checkProduct(input);
        break;
      case "barcode": {
        const b = checkBarcode(input);
        requireProduct(b.sku, "sku");
        const owner = prep("SELECT sku FROM barcodes WHERE code = ?").get(b.code) as
          | { sku: string }
          | undefined;
        if (owner && owner.sku !== b.sku)
          throw new ValidationError("code", `barcode ${b.code} already belongs to SKU ${owner.sku}`);
        data = b;
        break;
      }
      case "price": {
        const s = checkPriceSchedule(input);
        requireProduct(s.sku, "sku");
        if (s.scope === "store") store(s.scopeKey);
        if (s.scope === "region" && !prep("SELECT 1 FROM stores WHERE region = ? LIMIT 1").get(s.scopeKey))
          throw new ValidationError("scopeKey", `no store is in region ${s.scopeKey}`);
        data = s;
        break;
      }
      case "promotion":
        data = checkPromotion(input);
        break;
      case "member": {
        const m = checkMember(input);
        const other = prep("SELECT id FROM members WHERE phone = ? AND id != ?").get(m.phone, m.id) as
          | { id: string }
          | undefined;
        if (other) throw new ValidationError("phone", `phone already belongs to member ${other.id}`);
        data = m;
        break;
      }
      case "cashier": {
        const id = (input as { id?: unknown } | null)?.id;
        const current =
          typeof id === "string" ? (readMaster("cashier", id) as { pinHash?: string } | null) : null;
        data = await checkCashier(input, current?.pinHash);
        break;
      }
      case "coupon": {
        const c = checkCoupon(input);
        if (!prep("SELECT 1 FROM promotions WHERE id = ?").get(c.promotionId))
          throw new ValidationError("promotionId", `unknown promotion ${c.promotionId}`);
        if (c.memberId && !prep("SELECT 1 FROM members WHERE id = ?").get(c.memberId))
          throw new ValidationError("memberId", `unknown member ${c.memberId}`);
        // The binding is fixed: HQ's price audit re-prices old sales by it (coupons/).
        const bound = prep("SELECT promotion_id AS p FROM coupons WHERE code = ?").get(c.code) as
          | { p: string }
          | undefined;
        if (bound && bound.p !== c.promotionId)
          throw new ValidationError("promotionId", `coupon ${c.code} is bound to promotion ${bound.p}`);
        data = c;
        break;
      }
    }
    return { key: keyOf(entity, data), data };
  }

  function requireProduct(sku: string, field: string) {
    if (!prep("SELECT 1 FROM products WHERE sku = ?").get(sku))
      throw new ValidationError(field, `unknown SKU ${sku}`);
  }

  /** Upserts a master record into a draft change set (and HQ's working copy). */
  async function edit(actor: string, entity: Entity, input: unknown, changesetId?: number) {
    const { key, data } = await validate(entity, input);
    const id = draftFor(actor, changesetId);
    db.transaction(() => {
      putItem(id, entity, key, "upsert", data);
      audit(id, "edit", actor, `upsert ${entity} ${key}`);
    })();
    return { changesetId: id, entity, key, data };
  }

  async function remove(actor: string, entity: Entity, key: string, changesetId?: number) {
    if (readMaster(entity, key) === null) throw new NotFoundError(entity, key);
    if (entity === "product" && prep("SELECT 1 FROM barcodes WHERE sku = ? LIMIT 1").get(key))
      throw new ValidationError(
        "sku",
        `SKU ${key} still has barcodes; delete them first or set status inactive`,
      );
    const id = draftFor(actor, changesetId);
    db.transaction(() => {
      putItem(id, entity, key, "delete", null);
      audit(id, "edit", actor, `delete ${entity} ${key}`);
    })();
    return { changesetId: id, entity, key };
  }

  const stmtGetItem = () =>
    prep("SELECT prev_json FROM changeset_items WHERE changeset_id = ? AND entity = ? AND key = ?");
  const stmtPutItem = () =>
    prep(
      `INSERT INTO changeset_items (changeset_id, entity, key, op, data_json, prev_json, store_scope) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (changeset_id, entity, key) DO UPDATE SET op = excluded.op, data_json = excluded.data_json`,
    );

  /** Must run inside a transaction. The first edit of a key in a change set remembers the previous record. */
  function putItem(changesetId: number, entity: Entity, key: string, op: "upsert" | "delete", data: unknown) {
    const existing = stmtGetItem().get(changesetId, entity, key) as { prev_json: string | null } | undefined;
    const prev = existing ? existing.prev_json : jsonOrNull(readMaster(entity, key));
    const storeScope =
      entity === "price" && parsePriceKey(key).scope === "store" ? parsePriceKey(key).scopeKey : null;
    stmtPutItem().run(
      changesetId,
      entity,
      key,
      op,
      data === null ? null : JSON.stringify(data),
      prev,
      storeScope,
    );
    writeMaster(entity, key, op === "upsert" ? data : null);
  }

  function readMaster(entity: Entity, key: string): unknown {
    switch (entity) {
      case "product": {
        const r = prep("SELECT data_json FROM products WHERE sku = ?").get(key) as
          | { data_json: string }
          | undefined;
        return r ? JSON.parse(r.data_json) : null;
      }
      case "barcode": {
        const r = prep("SELECT code, sku FROM barcodes WHERE code = ?").get(key) as
          | { code: string; sku: string }
          | undefined;
        return r ? { code: r.code, sku: r.sku } : null;
      }
      case "price": {
        const k = parsePriceKey(key);
        const r = db
          .prepare("SELECT windows_json FROM price_schedules WHERE sku = ? AND scope = ? AND scope_key = ?")
          .get(k.sku, k.scope, k.scopeKey) as { windows_json: string } | undefined;
        return r ? { ...k, windows: JSON.parse(r.windows_json) } : null;
      }
      case "promotion": {
        const r = prep("SELECT data_json FROM promotions WHERE id = ?").get(key) as
          | { data_json: string }
          | undefined;
        return r ? JSON.parse(r.data_json) : null;
      }
      case "member": {
        const r = db
          .prepare("SELECT id, phone, name, tier, points, status FROM members WHERE id = ?")
          .get(key) as Record<string, unknown> | undefined;
        return r ? memberRecord(r) : null;
      }
      case "cashier": {
        const r = prep("SELECT id, name, role, pin_hash, status FROM cashiers WHERE id = ?").get(key) as
          | Record<string, string>
          | undefined;
        return r ? { id: r.id, name: r.name, role: r.role, pinHash: r.pin_hash, status: r.status } : null;
      }
      case "coupon": {
        const r = prep("SELECT * FROM coupons WHERE code = ?").get(key) as
          | Record<string, string | number | null>
          | undefined;
        return r ? couponRecord(r) : null;
      }
    }
  }

  function writeMaster(entity: Entity, key: string, data: unknown) {
    const d = data as Record<string, unknown> | null;
    switch (entity) {
      case "product":
        if (!d) prep("DELETE FROM products WHERE sku = ?").run(key);
        else
          prep(
            `INSERT INTO products (sku, name, name_en, category, unit, tax_rate, weighed, plu, status, data_json) VALUES (?,?,?,?,?,?,?,?,?,?)
             ON CONFLICT (sku) DO UPDATE SET name=excluded.name, name_en=excluded.name_en, category=excluded.category, unit=excluded.unit,
             tax_rate=excluded.tax_rate, weighed=excluded.weighed, plu=excluded.plu, status=excluded.status, data_json=excluded.data_json`,
          ).run(
            key,
            d.name as string,
            (d.nameEn as string) ?? null,
            (d.category as string[]).at(-1)!,
            d.unit as string,
            d.taxRate as number,
            d.weighed ? 1 : 0,
            (d.plu as string) ?? null,
            d.status as string,
            JSON.stringify(d),
          );
        return;
      case "barcode":
        if (!d) prep("DELETE FROM barcodes WHERE code = ?").run(key);
        else
          prep(
            "INSERT INTO barcodes (code, sku) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET sku = excluded.sku",
          ).run(key, d.sku as string);
        return;
      case "price": {
        const k = parsePriceKey(key);
        if (!d)
          prep("DELETE FROM price_schedules WHERE sku = ? AND scope = ? AND scope_key = ?").run(
            k.sku,
            k.scope,
            k.scopeKey,
          );
        else
          prep(
            "INSERT INTO price_schedules (sku, scope, scope_key, windows_json) VALUES (?,?,?,?) ON CONFLICT (sku, scope, scope_key) DO UPDATE SET windows_json = excluded.windows_json",
          ).run(k.sku, k.scope, k.scopeKey, JSON.stringify(d.windows));
        return;
      }
      case "promotion":
        if (!d) prep("DELETE FROM promotions WHERE id = ?").run(key);
        else
          prep(
            "INSERT INTO promotions (id, kind, data_json) VALUES (?,?,?) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, data_json = excluded.data_json",
          ).run(key, d.kind as string, JSON.stringify(d));
        return;
      case "member":
        if (!d) prep("DELETE FROM members WHERE id = ?").run(key);
        else
          prep(
            `INSERT INTO members (id, phone, name, tier, points, status) VALUES (?,?,?,?,?,?)
             ON CONFLICT (id) DO UPDATE SET phone=excluded.phone, name=excluded.name, tier=excluded.tier, points=excluded.points, status=excluded.status, dirty=0`,
          ).run(
            key,
            d.phone as string,
            (d.name as string) ?? null,
            d.tier as string,
            d.points as number,
            d.status as string,
          );
        return;
      case "cashier":
        if (!d) prep("DELETE FROM cashiers WHERE id = ?").run(key);
        else
          prep(
            "INSERT INTO cashiers (id, name, role, pin_hash, status) VALUES (?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET name=excluded.name, role=excluded.role, pin_hash=excluded.pin_hash, status=excluded.status",
          ).run(key, d.name as string, d.role as string, d.pinHash as string, d.status as string);
        return;
      case "coupon":
        if (!d) prep("DELETE FROM coupons WHERE code = ?").run(key);
        else
          prep(
            "INSERT INTO coupons (code, promotion_id, member_id, valid_until, status, multi_use) VALUES (?,?,?,?,?,?) ON CONFLICT (code) DO UPDATE SET promotion_id=excluded.promotion_id, member_id=excluded.member_id, valid_until=excluded.valid_until, status=excluded.status, multi_use=excluded.multi_use",
          ).run(
            key,
            d.promotionId as string,
            (d.memberId as string) ?? null,
            (d.validUntil as string) ?? null,
            d.status as string,
            d.multiUse ? 1 : 0,
          );
        return;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Release, promote, rollback.

  /** Assigns the next version and releases to the pilot stores in the target (or to all of it). */
  function release(actor: string, id: number, stage: "pilot" | "all" = "pilot"): ChangesetRow {
    const cs = getChangeset(id);
    if (cs.state !== "draft")
      throw new StateError(String(id), `change set ${id} is ${cs.state}; only a draft can be released`);
    const items = prep("SELECT COUNT(*) AS n FROM changeset_items WHERE changeset_id = ?").get(id) as {
      n: number;
    };
    if (items.n === 0) throw new StateError(String(id), `change set ${id} is empty`);
    const before = new Map(allStores().map((s) => [s.id, pointerOf(s).version]));
    const pilot = allStores()
      .filter((s) => s.ring === "pilot" && inTarget(s, cs.target))
      .map((s) => s.id);
    const at = now().toISOString();
    db.transaction(() => {
      listNewStores();
      const n = releaseLog.nextPosition();
      const reached = allStores(true)
        .filter((s) => inTarget(s, cs.target) && (stage === "all" || pilot.includes(s.id)))
        .map((s) => s.id);
      releaseLog.append(reached, n, id);
      prep(
        `UPDATE changesets SET version = ?, pilot_position = ?, general_position = ?, state = ?, pilot_stores_json = ?, released_by = ?, released_at = ?,
         promoted_by = CASE WHEN ? THEN ? END, promoted_at = CASE WHEN ? THEN ? END WHERE id = ?`,
      ).run(
        n,
        n,
        stage === "all" ? n : null,
        stage === "all" ? "released" : "pilot",
        JSON.stringify(pilot),
        actor,
        at,
        stage === "all" ? 1 : 0,
        actor,
        stage === "all" ? 1 : 0,
        at,
        id,
      );
      audit(
        id,
        "release",
        actor,
        stage === "all" ? "to the whole target" : `to pilot stores: ${pilot.join(",") || "none"}`,
      );
    })();
    invalidate();
    announce(before);
    return getChangeset(id);
  }

  function promote(actor: string, id: number): ChangesetRow {
    const cs = getChangeset(id);
    if (cs.state !== "pilot")
      throw new StateError(String(id), `change set ${id} is ${cs.state}; only a pilot can be promoted`);
    const before = new Map(allStores().map((s) => [s.id, pointerOf(s).version]));
    db.transaction(() => {
      listNewStores();
      // The rest of the target gets it at a new position: after everything released to those
      // stores since the pilot, so none of them can skip it.
      const n = releaseLog.nextPosition();
      const have = new Set(releaseLog.storesWith(id));
      releaseLog.append(
        allStores(true)
          .filter((s) => inTarget(s, cs.target) && !have.has(s.id))
          .map((s) => s.id),
        n,
        id,
      );
      prep(
        "UPDATE changesets SET state = 'released', general_position = ?, promoted_by = ?, promoted_at = ? WHERE id = ?",
      ).run(n, actor, now().toISOString(), id);
      audit(id, "promote", actor, "to the whole target");
    })();
    invalidate();
    announce(before);
    return getChangeset(id);
  }

  /**
   * Rolls back a released change set: a compensating change set restores the records it
   * replaced, with the same visibility, so every store that had it undoes it in a later
   * version (stores only ever move forward). The master copy is restored too.
   */
  function rollback(actor: string, id: number): { rolledBack: ChangesetRow; compensation: ChangesetRow } {
    const cs = getChangeset(id);
    if (cs.state !== "pilot" && cs.state !== "released")
      throw new StateError(
        String(id),
        `change set ${id} is ${cs.state}; only a released change set can be rolled back`,
      );
    const before = new Map(allStores().map((s) => [s.id, pointerOf(s).version]));
    const at = now().toISOString();
    let compId = 0;
    db.transaction(() => {
      // Restoring the records as they were before this change set would silently undo a later
      // change set's edit of the same record: refuse and name them instead.
      const later = laterEditsOf(cs);
      if (later.length > 0)
        throw new StateError(
          String(id),
          `change set ${id} cannot be rolled back: later change sets changed the same records (${later
            .map((r) => `${r.entity} ${r.key} in change set ${r.changesetId}`)
            .join(", ")}); roll those back first`,
          { records: later },
        );
      listNewStores();
      const n = releaseLog.nextPosition();
      const info = db
        .prepare(
          `INSERT INTO changesets (version, pilot_position, general_position, description, target_json, state, pilot_stores_json, compensates, created_by, created_at,
           released_by, released_at, promoted_by, promoted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          n,
          n,
          cs.promoted ? n : null,
          `rollback of change set ${id}`,
          JSON.stringify(cs.target),
          cs.state,
          JSON.stringify(cs.pilotStores ?? []),
          id,
          actor,
          at,
          actor,
          at,
          cs.promoted ? actor : null,
          cs.promoted ? at : null,
        );
      compId = Number(info.lastInsertRowid);
      // Every store that had it gets the compensation next in its log.
      releaseLog.append(releaseLog.storesWith(id), n, compId);
      const items = db
        .prepare("SELECT entity, key, prev_json FROM changeset_items WHERE changeset_id = ?")
        .all(id) as {
        entity: Entity;
        key: string;
        prev_json: string | null;
      }[];
      for (const it of items) {
        const prev = it.prev_json === null ? null : JSON.parse(it.prev_json);
        putItem(compId, it.entity, it.key, prev === null ? "delete" : "upsert", prev);
      }
      prep(
        "UPDATE changesets SET state = 'rolled_back', rolled_back_by = ?, rolled_back_at = ? WHERE id = ?",
      ).run(actor, at, id);
      audit(id, "rollback", actor, `compensated by change set ${compId}`);
      audit(compId, "create", actor, `compensates change set ${id}`);
    })();
    invalidate();
    announce(before);
    return { rolledBack: getChangeset(id), compensation: getChangeset(compId) };
  }

  /**
   * Records of `cs` that a later change set also changed and that is still in effect: one
   * released after it (higher version), or a draft opened after it. Not counted: change sets
   * rolled back, and the compensations of change sets later than `cs` (they restored the
   * records towards what `cs` wrote).
   */
  function laterEditsOf(cs: ChangesetRow): { entity: Entity; key: string; changesetId: number }[] {
    const all = changesets();
    const byId = new Map(all.map((c) => [c.id, c]));
    const isLater = (c: ChangesetRow) =>
      c.version === null ? c.id > cs.id : cs.version !== null && c.version > cs.version;
    const rows = db
      .prepare(
        `SELECT o.changeset_id AS changesetId, o.entity, o.key FROM changeset_items i
         JOIN changeset_items o ON o.entity = i.entity AND o.key = i.key AND o.changeset_id != i.changeset_id
         WHERE i.changeset_id = ? ORDER BY o.changeset_id, o.entity, o.key`,
      )
      .all(cs.id) as { changesetId: number; entity: Entity; key: string }[];
    return rows.filter((r) => {
      const c = byId.get(r.changesetId);
      if (!c || c.state === "rolled_back" || !isLater(c)) return false;
      if (c.compensates !== null) {
        const undone = byId.get(c.compensates);
        if (undone && undone.id !== cs.id && isLater(undone)) return false;
      }
      return true;
    });
  }

  /** Publishes the retained pointer of every store whose latest version moved. */
  function announce(before: Map<string, number>) {
    for (const s of allStores()) {
      const p = pointerOf(s);
      if (before.get(s.id) !== p.version) deps.publishPointer(s.id, p);
    }
  }

  function republishPointers() {
    for (const s of allStores()) deps.publishPointer(s.id, pointerOf(s));
  }

  /** A newly enrolled store finds its (retained) pointer waiting when it first connects. */
  function publishPointerOf(storeId: string) {
    deps.publishPointer(storeId, pointerOf(store(storeId)));
  }

  // ------------------------------------------------------------------------------------------
  // Serving stores.

  /** The change set at a position of a store's log. */
  function changesetAt(log: StoreLog, position: number): ChangesetRow | undefined {
    const i = log.index.get(position);
    if (i === undefined) return undefined;
    return changesetById(log.entries[i]!.changesetId);
  }

  /** The position of the first change set of a store's log still scheduled ahead (HQ's clock). */
  function pendingFrom(log: StoreLog): number | undefined {
    // The entries scheduled at all, once per log (usually none): a fetch looks at those only.
    let list = scheduledOf.get(log);
    if (!list) {
      list = log.entries.flatMap((e) => {
        const at = changesetById(e.changesetId)?.effectiveAt;
        return at ? [{ position: e.position, at: Date.parse(at) }] : [];
      });
      scheduledOf.set(log, list);
    }
    const t = now().getTime();
    return list.find((x) => x.at > t)?.position;
  }
  const scheduledOf = new WeakMap<StoreLog, { position: number; at: number }[]>();

  /** Signature of a store's log up to a position: stores with equal prefixes get equal pages. */
  function prefixSig(log: StoreLog, upTo: number): string {
    let lo = 0;
    let hi = log.positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (log.positions[mid]! <= upTo) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? "0" : `${lo}.${log.prefix[lo - 1]}`;
  }

  function hasStoreOverrides(storeId: string): boolean {
    return prep("SELECT 1 FROM changeset_items WHERE store_scope = ? LIMIT 1").get(storeId) !== undefined;
  }

  /** Price schedules of the store's scopes for one SKU, as of position `upTo` of its log. */
  function schedulesAsOf(s: StoreRef, log: StoreLog, upTo: number, sku: string): PriceSchedule[] {
    const sig = `${s.region}|${hasStoreOverrides(s.id) ? s.id : ""}|${prefixSig(log, upTo)}|${sku}`;
    const hit = scheduleCache.get(sig);
    if (hit) return hit;
    const keys = [
      priceKey({ sku, scope: "chain", scopeKey: "" }),
      priceKey({ sku, scope: "region", scopeKey: s.region }),
      priceKey({ sku, scope: "store", scopeKey: s.id }),
    ];
    const out: PriceSchedule[] = [];
    // The last release of each key in this store's log up to `upTo`.
    const stmt = prep(
      `SELECT i.op, i.data_json FROM changeset_items i JOIN catalog_releases r ON r.changeset_id = i.changeset_id
       WHERE i.entity = 'price' AND i.key = ? AND r.store_id = ? AND r.position <= ? ORDER BY r.position DESC LIMIT 1`,
    );
    for (const key of keys) {
      const r = stmt.get(key, s.id, upTo) as { op: string; data_json: string | null } | undefined;
      if (r?.op === "upsert" && r.data_json) out.push(JSON.parse(r.data_json));
    }
    if (scheduleCache.size > 200_000) scheduleCache.clear();
    scheduleCache.set(sig, out);
    return out;
  }

  function rowsOf(changesetId: number): ItemRow[] {
    return (
      db
        .prepare("SELECT entity, key, op, data_json FROM changeset_items WHERE changeset_id = ?")
        .all(changesetId) as {
        entity: Entity;
        key: string;
        op: "upsert" | "delete";
        data_json: string | null;
      }[]
    ).map((r) => ({
      entity: r.entity,
      key: r.key,
      op: r.op,
      data: r.data_json === null ? null : JSON.parse(r.data_json),
    }));
  }

  /** The whole catalog a store has at a position: the fold of its log up to it, in log order. */
  function snapshotRows(s: StoreRef, version: number): Map<string, ItemRow & { raw: string }> {
    const rows = db
      .prepare(
        `SELECT i.entity, i.key, i.op, i.data_json FROM changeset_items i JOIN catalog_releases r ON r.changeset_id = i.changeset_id
         WHERE r.store_id = ? AND r.position <= ? ORDER BY r.position`,
      )
      .all(s.id, version) as {
      entity: Entity;
      key: string;
      op: "upsert" | "delete";
      data_json: string | null;
    }[];
    const folded = new Map<string, ItemRow & { raw: string }>();
    for (const r of rows) {
      const k = `${r.entity}\u0000${r.key}`;
      if (r.op === "delete") folded.delete(k);
      // Only prices need parsing (they are resolved per store); the rest travel as stored.
      else
        folded.set(k, {
          entity: r.entity,
          key: r.key,
          op: r.op,
          data: r.entity === "price" ? JSON.parse(r.data_json!) : null,
          raw: r.data_json!,
        });
    }
    return folded;
  }

  function buildPages(s: StoreRef, log: StoreLog, plan: Exclude<FetchPlan, { kind: "up_to_date" }>): PageSet {
    const key = `${plan.kind}|${plan.fromVersion}|${plan.version}|${s.region}|${hasStoreOverrides(s.id) ? s.id : ""}|${prefixSig(log, plan.version)}`;
    const hit = pageCache.get(key);
    if (hit) return hit.value;
    let items: ChangeItem[];
    let itemJson: string[];
    let effectiveAt: string | null | undefined;
    if (plan.kind === "snapshot") {
      const folded = [...snapshotRows(s, plan.version).values()];
      const byPriceKey = new Map<string, PriceSchedule>();
      for (const r of folded) if (r.entity === "price") byPriceKey.set(r.key, r.data as PriceSchedule);
      const schedulesOf = (sku: string) =>
        [
          priceKey({ sku, scope: "chain", scopeKey: "" }),
          priceKey({ sku, scope: "region", scopeKey: s.region }),
          priceKey({ sku, scope: "store", scopeKey: s.id }),
        ]
          .map((k) => byPriceKey.get(k))
          .filter((x): x is PriceSchedule => x !== undefined);
      const prices = storeItems(
        s,
        folded.filter((r) => r.entity === "price"),
        schedulesOf,
        true,
      );
      // Everything but prices goes out as stored (validated when written), in the same order
      // storeItems uses: entity order, then key.
      const others = folded
        .filter((r) => r.entity !== "price")
        .sort(
          (a, b) =>
            ENTITY_RANK[a.entity] - ENTITY_RANK[b.entity] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
        );
      const json = (r: { entity: Entity; raw: string }) =>
        `{"op":"upsert","entity":"${r.entity}","data":${r.raw}}`;
      const before = others.filter((r) => ENTITY_RANK[r.entity] < ENTITY_RANK.price);
      const after = others.filter((r) => ENTITY_RANK[r.entity] > ENTITY_RANK.price);
      itemJson = [...before.map(json), ...prices.map((i) => JSON.stringify(i)), ...after.map(json)];
      // Page 0's items are validated below; parse only those back.
      items = itemJson.slice(0, MAX_PAGE_ITEMS).map((j) => JSON.parse(j) as ChangeItem);
    } else {
      const cs = changesetAt(log, plan.version);
      if (!cs) throw new NotFoundError("version", String(plan.version));
      effectiveAt = cs.effectiveAt;
      items = storeItems(s, rowsOf(cs.id), (sku) => schedulesAsOf(s, log, plan.version, sku), false);
      itemJson = items.map((i) => JSON.stringify(i));
    }
    const bounds = pageBounds(itemJson);
    const pagesJson = bounds.map(([from, to], i) => {
      const frame = pagePayload(plan, [i === 0 ? items.slice(from, to) : []], 0, effectiveAt)!;
      // The items were validated by the same protocol schemas when they were written; the
      // frame (and the first page's items) is checked here once, then the bytes are reused
      // for every store with the same view.
      const head = { ...frame, page: i, pages: bounds.length };
      makeEnvelope("catalog.changeset", i === 0 ? head : { ...head, items: [] }, { storeId: s.id });
      const { items: _items, ...rest } = head;
      return Buffer.from(
        `${JSON.stringify(rest).slice(0, -1)},"items":[${itemJson.slice(from, to).join(",")}]}`,
      );
    });
    const value: PageSet = { plan, pagesJson, gzipJson: [] };
    if (pageCache.size >= 16) pageCache.delete(pageCache.keys().next().value!);
    pageCache.set(key, { value, at: Date.now() });
    return value;
  }

  /**
   * Answers a catalog.fetch: the JSON of the requested page's payload, or undefined when the
   * store is up to date or asked for a page that does not exist.
   */
  function fetchPage(
    storeId: string,
    fetch: { fromVersion: number; page: number; snapshotVersion?: number; accept?: readonly string[] },
  ): Buffer | undefined {
    const s = store(storeId);
    const log = logOf(s);
    const pointer = pointerFor(s, log.positions, globalFloor());
    let plan = planFetch(log.positions, pointer, fetch, pendingFrom(log));
    if (plan.kind === "up_to_date") return undefined;
    // A snapshot being collected at a position this store's log no longer has (it was moved
    // and relisted meanwhile): page 0 of a snapshot of the latest instead; the edge drops the
    // stale pages and collects this one.
    if (plan.kind === "snapshot" && plan.version !== 0 && !log.index.has(plan.version)) {
      if (pointer.version === 0) return undefined;
      plan = { kind: "snapshot", version: pointer.version, fromVersion: fetch.fromVersion };
      fetch = { ...fetch, page: 0 };
    }
    const set = buildPages(s, log, plan);
    const plain = set.pagesJson[fetch.page];
    if (plain === undefined || !fetch.accept?.includes("gzip")) return plain;
    // Compressed once per page and view, then reused for every store that accepts gzip.
    let gz = set.gzipJson[fetch.page];
    if (gz === undefined) {
      gz = gzipPage(plain);
      set.gzipJson[fetch.page] = gz;
    }
    return gz;
  }

  function recordApplied(storeId: string, version: number, appliedAt: string) {
    prep(
      "INSERT INTO catalog_applied (store_id, version, applied_at, received_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ).run(storeId, version, appliedAt, now().toISOString());
  }

  /** Per change set: the stores it is released to, and which of them applied it (or later). */
  /** With `region` (a regional manager) only that region's stores are listed. */
  function rollout(id: number, region?: string) {
    const cs = getChangeset(id);
    const applied = new Map(
      (
        prep("SELECT store_id, MAX(version) AS v FROM catalog_applied GROUP BY store_id").all() as {
          store_id: string;
          v: number;
        }[]
      ).map((r) => [r.store_id, r.v]),
    );
    // Applied at a store means: the store applied the position of its log where this change
    // set is, so (its log being served in order) everything released to it up to there.
    const positions = new Map(
      (
        prep("SELECT store_id, position FROM catalog_releases WHERE changeset_id = ?").all(id) as {
          store_id: string;
          position: number;
        }[]
      ).map((r) => [r.store_id, r.position]),
    );
    const stores = allStores()
      .filter((s) => region === undefined || s.region === region)
      .filter((s) => positions.has(s.id))
      .map((s) => ({
        storeId: s.id,
        position: positions.get(s.id)!,
        applied: (applied.get(s.id) ?? 0) >= positions.get(s.id)!,
        appliedVersion: applied.get(s.id) ?? 0,
      }));
    const auditTrail = db
      .prepare("SELECT action, actor, at, detail FROM changeset_audit WHERE changeset_id = ? ORDER BY id")
      .all(id);
    return { changeset: cs, stores, auditTrail };
  }

  // ------------------------------------------------------------------------------------------
  // The catalog a store had at a version, for re-pricing its sales.

  type CatalogAt = CatalogView;
  const catalogAtCache = new Map<string, CatalogAt>();

  /** The catalog a store had at a version; cached per (store, version) until the next change. */
  function catalogAt(storeId: string, version: number): CatalogAt {
    freshen();
    const key = `${storeId}|${version}`;
    let hit = catalogAtCache.get(key);
    if (!hit) {
      if (catalogAtCache.size > 5000) catalogAtCache.clear();
      hit = buildCatalogAt(storeId, version);
      catalogAtCache.set(key, hit);
    }
    return hit;
  }

  function buildCatalogAt(storeId: string, version: number): CatalogAt {
    const s = store(storeId);
    const log = logOf(s);
    const known = version === 0 || log.index.has(version);
    const sig = prefixSig(log, version);
    let checked = promoCache.get(sig);
    if (!checked) {
      const rows = db
        .prepare(
          `SELECT i.key, i.op, i.data_json FROM changeset_items i JOIN catalog_releases r ON r.changeset_id = i.changeset_id
           WHERE i.entity = 'promotion' AND r.store_id = ? AND r.position <= ? ORDER BY r.position`,
        )
        .all(s.id, version) as { key: string; op: string; data_json: string | null }[];
      const m = new Map<string, Promotion>();
      for (const r of rows) {
        if (r.op === "delete") m.delete(r.key);
        else m.set(r.key, JSON.parse(r.data_json!));
      }
      let promotions = [...m.values()];
      // The till widens a parent-category promotion to the leaves under it in its catalog; do
      // the same over the category paths of the products released to it up to this version.
      if (promotions.some((p) => p.categories)) {
        const paths = db
          .prepare(
            `SELECT DISTINCT json_extract(i.data_json, '$.category') AS path FROM changeset_items i
             JOIN catalog_releases r ON r.changeset_id = i.changeset_id
             WHERE i.entity = 'product' AND i.op = 'upsert' AND r.store_id = ? AND r.position <= ?`,
          )
          .all(s.id, version) as { path: string }[];
        promotions = expandPromotionCategories(
          promotions,
          categoryLeaves(paths.map((r) => JSON.parse(r.path))),
        );
      }
      // Validated here, once per promotion set, not once per sale re-priced against it.
      try {
        checked = checkPromotions(promotions);
      } catch (e) {
        if (!(e instanceof PricingError)) throw e;
        checked = { error: e.message };
      }
      if (promoCache.size > 1000) promoCache.clear();
      promoCache.set(sig, checked);
    }
    // Resolved once per SKU for this (store, version): every sale re-priced against it reuses it.
    const prices = new Map<string, Price | undefined>();
    return {
      known,
      promotions: checked,
      price: (sku) => {
        if (prices.has(sku)) return prices.get(sku);
        const price = resolvePrice(sku, schedulesAsOf(s, log, version, sku));
        if (prices.size > 200_000) prices.clear();
        prices.set(sku, price);
        return price;
      },
    };
  }

  const LIST_SQL: Record<Entity, string> = {
    product: "SELECT sku AS k FROM products ORDER BY sku LIMIT ? OFFSET ?",
    barcode: "SELECT code AS k FROM barcodes ORDER BY code LIMIT ? OFFSET ?",
    price:
      "SELECT sku || '|' || scope || '|' || scope_key AS k FROM price_schedules ORDER BY sku, scope, scope_key LIMIT ? OFFSET ?",
    promotion: "SELECT id AS k FROM promotions ORDER BY id LIMIT ? OFFSET ?",
    member: "SELECT id AS k FROM members ORDER BY id LIMIT ? OFFSET ?",
    cashier: "SELECT id AS k FROM cashiers ORDER BY id LIMIT ? OFFSET ?",
    coupon: "SELECT code AS k FROM coupons ORDER BY code LIMIT ? OFFSET ?",
  };

  /**
   * Master records, a page at a time. With `region` (a regional manager) prices are only those
   * it may see: chain-wide ones, its region's, and its stores'.
   */
  function listMaster(
    entity: Entity,
    limit: number,
    offset: number,
    region?: string,
    sku?: string,
  ): unknown[] {
    const keys =
      sku !== undefined && entity === "barcode"
        ? (prep(
            "SELECT code AS k FROM barcodes WHERE sku = @sku ORDER BY code LIMIT @limit OFFSET @offset",
          ).all({
            sku,
            limit,
            offset,
          }) as { k: string }[])
        : sku !== undefined && entity === "price"
          ? (prep(
              `SELECT sku || '|' || scope || '|' || scope_key AS k FROM price_schedules
               WHERE sku = @sku AND (@region IS NULL OR scope = 'chain' OR (scope = 'region' AND scope_key = @region)
                 OR (scope = 'store' AND scope_key IN (SELECT id FROM stores WHERE region = @region)))
               ORDER BY scope, scope_key LIMIT @limit OFFSET @offset`,
            ).all({ sku, region: region ?? null, limit, offset }) as { k: string }[])
          : entity === "price" && region !== undefined
            ? (prep(
                `SELECT sku || '|' || scope || '|' || scope_key AS k FROM price_schedules
             WHERE scope = 'chain' OR (scope = 'region' AND scope_key = ?)
                OR (scope = 'store' AND scope_key IN (SELECT id FROM stores WHERE region = ?))
             ORDER BY sku, scope, scope_key LIMIT ? OFFSET ?`,
              ).all(region, region, limit, offset) as { k: string }[])
            : (prep(LIST_SQL[entity]).all(limit, offset) as { k: string }[]);
    return keys.map((r) => readMaster(entity, r.k));
  }

  // Stores and change sets from before the release log (migration 0010): their logs, once.
  if (releaseLog.migrateOnce(() => allStores(true), changesets)) invalidate();

  return {
    listMaster,
    changesets,
    getChangeset,
    createChangeset,
    edit,
    remove,
    release,
    promote,
    rollback,
    rollout,
    fetchPage,
    recordApplied,
    pointerOf: (storeId: string) => pointerOf(store(storeId)),
    enlist,
    relistStore,
    raiseSnapshotFloor,
    /** A store's release log: positions and the change set at each, ascending. */
    logOf: (storeId: string) => logOf(store(storeId)).entries,
    republishPointers,
    publishPointerOf,
    catalogAt,
    readMaster,
    putItem,
    draftFor,
    audit,
    invalidate,
  };
}

export type Catalog = ReturnType<typeof createCatalog>;

function jsonOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : JSON.stringify(v);
}

function memberRecord(r: Record<string, unknown>) {
  return {
    id: r.id as string,
    phone: r.phone as string,
    ...(r.name ? { name: r.name as string } : {}),
    tier: r.tier as string,
    points: r.points as number,
    status: r.status as string,
  };
}

function couponRecord(r: Record<string, string | number | null>) {
  return {
    code: r.code as string,
    promotionId: r.promotion_id as string,
    ...(r.member_id ? { memberId: r.member_id as string } : {}),
    ...(r.valid_until ? { validUntil: r.valid_until as string } : {}),
    status: r.status as string,
    ...(r.multi_use ? { multiUse: true } : {}),
  };
}

function toChangeset(r: Record<string, unknown>): ChangesetRow {
  return {
    id: r.id as number,
    version: (r.version as number | null) ?? null,
    state: r.state as ChangesetState,
    target: JSON.parse(r.target_json as string) as Target,
    pilotStores: r.pilot_stores_json ? (JSON.parse(r.pilot_stores_json as string) as string[]) : null,
    promoted: r.promoted_at !== null && r.promoted_at !== undefined,
    effectiveAt: (r.effective_at as string | null) ?? null,
    description: r.description as string,
    compensates: (r.compensates as number | null) ?? null,
    createdBy: r.created_by as string,
    createdAt: r.created_at as string,
    releasedBy: (r.released_by as string | null) ?? null,
    releasedAt: (r.released_at as string | null) ?? null,
    promotedBy: (r.promoted_by as string | null) ?? null,
    promotedAt: (r.promoted_at as string | null) ?? null,
    rolledBackBy: (r.rolled_back_by as string | null) ?? null,
    rolledBackAt: (r.rolled_back_at as string | null) ?? null,
    pilotPosition: (r.pilot_position as number | null) ?? null,
    generalPosition: (r.general_position as number | null) ?? null,
    kind: (r.kind as "catalog" | "members" | undefined) ?? "catalog",
  };
}
