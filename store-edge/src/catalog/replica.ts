// The catalog replica: change-set pages are staged in the database as they arrive and a
// complete version is applied all at once, so the store never sees half a change set, and a
// restart resumes collecting where it was.
//
// Small versions are applied in ONE transaction. A big one (a snapshot, or a delta of more than
// BIG_ITEMS items) would hold the single writer for seconds (a 100k-SKU snapshot: ~3.7 s), so
// it is built in shadow tables (`products_next`, ...) in short transactions (SLICE_MS of work,
// at most CHUNK rows),
// yielding to the event loop between them so lane writes interleave; the new look-up index is
// built from the shadow tables the same way; then ONE short transaction renames the shadow
// tables in place of the live ones, marks the version applied and drops its staged pages, and
// the look-up is swapped in the same tick. A crash before that transaction leaves the old
// version (leftover shadow tables are dropped at the next start and the staged pages are still
// complete, so the version is applied again); a crash after it leaves the new one.
//
// A version whose effectiveAt lies ahead on the store's clock is applied ahead: its pages wait
// in catalog_scheduled and are promoted when the clock reaches it. Promotion is the same choice:
// up to BIG_ITEMS items due in one transaction; more (a 50k-item price change for midnight) are
// built in the same shadow tables in steps and switched in at once, so the lanes keep selling
// at the old prices until the switch.

import type { CatalogChangeSet, CatalogEntity, ChangeItem } from "@retail/protocol";
import { and, asc, count, eq, gt, inArray, lt, lte, max, min, notInArray, sql, sum } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Clock } from "../clock.ts";
import { crashPoint } from "../crash.ts";
import {
  barcodesTable,
  cashiersTable,
  catalogScheduled,
  catalogStaging,
  couponsTable,
  membersTable,
  pricesTable,
  productsTable,
  promotionsTable,
} from "../db/schema.ts";
import type { Drizzle, EdgeDb } from "../db.ts";
import { halfOfChangeSet } from "../plant.ts";
import {
  type AssembledVersion,
  assemble,
  type CollectTarget,
  itemKey,
  judgePage,
  type PageVerdict,
} from "./changeset.ts";
import { CatalogLookup, type CatalogRecords } from "./lookup.ts";

/** Rows written (or read back) per short transaction while building a big version. */
export const CHUNK = 2000;
/**
 * Work per step of a big apply, in ms of this thread: a step ends when it has run this long,
 * so on a busy machine it writes fewer rows instead of holding the lanes longer. The commit's
 * fsync comes on top.
 */
export const SLICE_MS = 4;
/** A delta with more items than this is built in shadow tables like a snapshot. */
export const BIG_ITEMS = 5000;

const ENTITIES: CatalogEntity[] = ["product", "barcode", "price", "promotion", "member", "cashier", "coupon"];
const TABLE: Record<CatalogEntity, string> = {
  product: "products",
  barcode: "barcodes",
  price: "prices",
  promotion: "promotions",
  member: "members",
  cashier: "cashiers",
  coupon: "coupons",
};

/** The catalog tables under one name suffix: "" (live), "_next" (being built), "_old". */
function tablesOf(suffix: string) {
  return {
    product: productsTable(`products${suffix}`),
    barcode: barcodesTable(`barcodes${suffix}`),
    price: pricesTable(`prices${suffix}`),
    promotion: promotionsTable(`promotions${suffix}`),
    member: membersTable(`members${suffix}`, `members${suffix}_phone`),
    cashier: cashiersTable(`cashiers${suffix}`),
    coupon: couponsTable(`coupons${suffix}`),
  };
}
type Tables = ReturnType<typeof tablesOf>;

/** The key column of an entity's table. */
function keyCol(t: Tables, e: CatalogEntity): SQLiteColumn {
  switch (e) {
    case "product":
    case "price":
      return t[e].sku;
    case "barcode":
    case "coupon":
      return t[e].code;
    default:
      return t[e].id;
  }
}

/** Prepared upsert and delete statements for one set of catalog tables. */
class CatalogWriter {
  readonly upsert = {} as Record<CatalogEntity, (key: string, version: number, data: unknown) => void>;
  readonly del = {} as Record<CatalogEntity, (key: string, maxVersion: number) => void>;

  constructor(db: Drizzle, t: Tables) {
    const p = sql.placeholder;
    for (const e of ENTITIES) {
      const table = t[e] as SQLiteTable & { version: SQLiteColumn };
      const key = keyCol(t, e);
      const extra = e === "barcode" ? "sku" : e === "member" ? "phone" : undefined;
      const hasData = e !== "barcode";
      // The catalog tables' property names are their column names.
      const values: Record<string, unknown> = { [key.name]: p("key") };
      values.version = p("version");
      if (extra) values[extra] = p(extra);
      if (hasData) values.data = p("data");
      const set: Record<string, unknown> = { version: sql`excluded.version` };
      if (extra) set[extra] = sql.raw(`excluded.${extra}`);
      if (hasData) set.data = sql`excluded.data`;
      const stmt = db
        .insert(table)
        // biome-ignore lint/suspicious/noExplicitAny: one builder for seven tables of one shape
        .values(values as any)
        // The version guard lets a scheduled (older) change set never overwrite a newer record.
        .onConflictDoUpdate({ target: key, set, setWhere: sql`excluded.version >= ${table.version}` })
        .prepare();
      this.upsert[e] = (k, version, data) => {
        const d = data as Record<string, unknown>;
        const args: Record<string, unknown> = { key: k, version };
        if (extra) args[extra] = d[extra];
        if (hasData) args.data = JSON.stringify(data);
        stmt.run(args);
      };
      const delStmt = db
        .delete(table)
        .where(and(eq(key, p("key")), lte(table.version, p("maxVersion"))))
        .prepare();
      this.del[e] = (k, maxVersion) => delStmt.run({ key: k, maxVersion });
    }
  }

  apply(items: readonly ChangeItem[], version: number): void {
    for (const item of items) this.applyOne(item, version);
  }

  applyOne(item: ChangeItem, version: number): void {
    if (item.op === "upsert") this.upsert[item.entity](itemKey(item), version, item.data);
    else this.del[item.entity](item.key, version);
  }
}

export interface CatalogProgress {
  applied: number;
  pointer?: number;
  snapshotFloor?: number;
  collecting?: { kind: string; version: number; pages: number; have: number };
  scheduled: { version: number; effectiveAt: string }[];
  appliedAt?: string;
  /** A big version being built in the shadow tables (items written so far). */
  building?: { version: number; items: number; of: number };
}

type StagedRow = typeof catalogStaging.$inferSelect;

/** Items written under one version (a version's items, or one of several scheduled versions). */
interface Batch {
  version: number;
  items: ChangeItem[];
}

/**
 * One big build in the shadow tables: what it writes, and what its switch also does. Both the
 * staged version applied on arrival and scheduled versions promoted when due are built this way.
 */
interface BuildJob {
  kind: "delta" | "snapshot";
  /** Written in order, each item under its batch's version (the version guard settles overlaps). */
  batches: Batch[];
  /** Inside the switch transaction: false abandons the build (what it was built from is gone). */
  stillWanted(): boolean;
  /** Inside the switch transaction: the job's own bookkeeping (applied version, scheduled rows). */
  commit(): void;
}

/** A scheduled version due now: its pages and items, counted without parsing them. */
interface DueVersion {
  version: number;
  pages: number;
  items: number;
}

const yieldToLanes = () => new Promise<void>((resolve) => setImmediate(resolve));

export class CatalogReplica {
  lookup: CatalogLookup;
  private readonly live = tablesOf("");
  private readonly writer: CatalogWriter;
  private applying: Promise<AssembledVersion | undefined> | undefined;
  /** Scheduled versions being promoted in steps (one build at a time, as with `applying`). */
  private promoting: Promise<number> | undefined;
  private building: CatalogProgress["building"];
  private closed = false;

  constructor(
    private readonly db: EdgeDb,
    private readonly clock: Clock,
  ) {
    this.writer = new CatalogWriter(db.d, this.live);
    // Before serving: what a crash during a big apply left (shadow or replaced tables, pages of
    // the applied version).
    this.dropShadow();
    this.db.write(() => {
      this.db.d.delete(catalogStaging).where(lte(catalogStaging.version, this.applied)).run();
      // A big version being scheduled ahead when the crash came: its pages are still staged and
      // it is scheduled again, whole, when they are applied again.
      this.db.d
        .delete(catalogScheduled)
        .where(
          and(
            gt(catalogScheduled.version, this.applied),
            inArray(
              catalogScheduled.version,
              this.db.d.select({ v: catalogStaging.version }).from(catalogStaging),
            ),
          ),
        )
        .run();
    });
    this.lookup = this.load();
  }

  /** Builds the in-memory look-up from the tables (at start). */
  load(): CatalogLookup {
    return this.loadFrom(this.live);
  }

  /**
   * Page by page into the look-up, so no copy of the catalog (100k rows as objects, then as a
   * second array of their JSON) is held while it is built: that peak (~370 MB with 100k SKUs)
   * was what the allocator kept as the edge's RSS after start.
   */
  private loadFrom(t: Tables): CatalogLookup {
    const l = CatalogLookup.loading();
    for (const e of ENTITIES) for (const rows of this.pages(t, e, 2000)) l.addRows(e, rows);
    return l.built();
  }

  /** The rows of one entity's table in key order, `size` rows a page (keyset paging). */
  private *pages(t: Tables, e: CatalogEntity, size: number): Generator<Record<string, string>[]> {
    const key = keyCol(t, e);
    // Keys are non-empty text, so "" is below every key.
    const page = this.db.d
      .select()
      .from(t[e] as SQLiteTable)
      .where(gt(key, sql.placeholder("after")))
      .orderBy(asc(key))
      .limit(size)
      .prepare();
    let after = "";
    for (;;) {
      const rows = page.all({ after }) as Record<string, string>[];
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < size) return;
      after = rows.at(-1)![key.name]!;
    }
  }

  get applied(): number {
    return this.db.metaInt("catalog_version");
  }

  /** Whether a version is being applied or promoted in steps (the link waits for it). */
  get busy(): boolean {
    return this.applying !== undefined || this.promoting !== undefined;
  }

  pointer(): { version: number; snapshotFloor: number } | undefined {
    const raw = this.db.meta("catalog_pointer");
    return raw ? JSON.parse(raw) : undefined;
  }

  setPointer(p: { version: number; snapshotFloor: number }): void {
    this.db.write(() => this.db.setMeta("catalog_pointer", JSON.stringify(p)));
  }

  /** What is being collected, from the staged pages. */
  target(): CollectTarget | undefined {
    const s = catalogStaging;
    // Pages at or below the applied version are left over from a big apply (dropped after it).
    const rows = this.db.d
      .select({ version: s.version, page: s.page, kind: s.kind, fromVersion: s.fromVersion, pages: s.pages })
      .from(s)
      .where(gt(s.version, this.applied))
      .orderBy(asc(s.version), asc(s.page))
      .all();
    const first = rows[0];
    if (!first) return undefined;
    return {
      kind: first.kind as CollectTarget["kind"],
      version: first.version,
      fromVersion: first.fromVersion,
      pages: first.pages,
      have: rows.filter((r) => r.version === first.version).map((r) => r.page),
    };
  }

  /** Keeps one page if it belongs to the next version. */
  stage(page: CatalogChangeSet): PageVerdict {
    const verdict = judgePage(page, this.applied, this.target());
    if (!verdict.stage) return verdict;
    // The link decodes a compressed page (itemsGzip) before staging it.
    if (!page.items) throw new Error("catalog page without decoded items");
    const items = page.items;
    this.db.write(() => {
      this.db.d
        .insert(catalogStaging)
        .values({
          version: page.version,
          page: page.page,
          kind: page.kind,
          fromVersion: page.fromVersion,
          pages: page.pages,
          effectiveAt: page.effectiveAt ?? null,
          items: JSON.stringify(items),
        })
        .onConflictDoNothing()
        .run();
    });
    return verdict;
  }

  /** Drops staged pages (a stale target, or `resync_catalog`). A build in progress then stops. */
  clearStaging(): void {
    this.db.write(() => this.db.d.delete(catalogStaging).run());
  }

  isComplete(): boolean {
    const t = this.target();
    return t !== undefined && t.have.length === t.pages;
  }

  private stagedVersion(): AssembledVersion | undefined {
    const t = this.target();
    if (!t || t.have.length !== t.pages) return undefined;
    const rows: StagedRow[] = this.db.d
      .select()
      .from(catalogStaging)
      .where(eq(catalogStaging.version, t.version))
      .orderBy(asc(catalogStaging.page))
      .all();
    const version = t.version;
    return assemble(
      rows
        .filter((r) => r.version === version)
        .map((r) => ({
          kind: r.kind as "delta" | "snapshot",
          version: r.version,
          fromVersion: r.fromVersion,
          page: r.page,
          pages: r.pages,
          ...(r.effectiveAt ? { effectiveAt: r.effectiveAt } : {}),
          items: JSON.parse(r.items) as ChangeItem[],
        })),
    );
  }

  /** The staged version as stagedVersion() has it, read and parsed a page per event-loop turn. */
  private async stagedVersionInSteps(): Promise<AssembledVersion | undefined> {
    const t = this.target();
    if (!t || t.have.length !== t.pages) return undefined;
    const pages: CatalogChangeSet[] = [];
    for (const page of t.have) {
      await yieldToLanes();
      if (this.closed) throw new Error("edge stopped while applying a catalog version");
      const r = this.db.d
        .select()
        .from(catalogStaging)
        .where(and(eq(catalogStaging.version, t.version), eq(catalogStaging.page, page)))
        .get();
      if (!r) return undefined; // staging cleared meanwhile
      pages.push({
        kind: r.kind as "delta" | "snapshot",
        version: r.version,
        fromVersion: r.fromVersion,
        page: r.page,
        pages: r.pages,
        ...(r.effectiveAt ? { effectiveAt: r.effectiveAt } : {}),
        items: JSON.parse(r.items) as ChangeItem[],
      });
    }
    return assemble(pages);
  }

  private isFuture(a: AssembledVersion, now: number): boolean {
    return a.kind === "delta" && !!a.effectiveAt && Date.parse(a.effectiveAt) > now;
  }

  private isBig(a: AssembledVersion, now: number): boolean {
    return !this.isFuture(a, now) && (a.kind === "snapshot" || a.items.length > BIG_ITEMS);
  }

  /**
   * Applies the staged version in one transaction; returns it, or undefined if incomplete.
   * Synchronous, so it holds the writer for the whole version: tests and small versions. The
   * link uses applyStagedInSteps.
   */
  applyStaged(): AssembledVersion | undefined {
    const now = this.clock.now();
    const a = halfOfChangeSet(this.stagedVersion());
    if (!a) return undefined;
    this.db.write(() => {
      if (a.kind === "snapshot") {
        for (const e of ENTITIES) this.db.d.delete(this.live[e]).run();
        this.db.d.delete(catalogScheduled).where(lte(catalogScheduled.version, a.version)).run();
        this.writer.apply(a.items, a.version);
      } else if (this.isFuture(a, now)) {
        this.db.d.delete(catalogScheduled).where(eq(catalogScheduled.version, a.version)).run();
        this.scheduleStaged(a);
      } else {
        this.writer.apply(a.items, a.version);
        this.dropSuperseded(deletesOf(a.items), a.version);
      }
      this.markApplied(a.version, now);
    });
    // A snapshot's items are the whole catalog, already parsed: index them directly rather than
    // reading 300k rows back.
    if (a.kind === "snapshot") this.lookup = CatalogLookup.from(recordsOf(a.items));
    else if (!this.isFuture(a, now)) this.lookup.apply(a.items);
    return a;
  }

  /**
   * Copies staged pages of a version scheduled ahead into catalog_scheduled as they are (SQL to
   * SQL: nothing is parsed or re-serialised); all of them, or one.
   */
  private scheduleStaged(a: AssembledVersion, page?: number): void {
    const s = catalogStaging;
    this.db.d
      .insert(catalogScheduled)
      .select(
        this.db.d
          .select({
            version: s.version,
            page: s.page,
            effectiveAt: sql<string>`${a.effectiveAt!}`.as("effective_at"),
            // json_array_length: counted once here, so promotion can size a version unparsed.
            itemCount: sql<number>`json_array_length(${s.items})`.as("item_count"),
            items: s.items,
          })
          .from(s)
          .where(
            page === undefined ? eq(s.version, a.version) : and(eq(s.version, a.version), eq(s.page, page)),
          ),
      )
      .run();
  }

  /**
   * Inside the transaction that deletes records at `version`: an older version scheduled ahead
   * must not bring them back when its time comes (the version guard only protects records that
   * exist). Its items for those records are dropped from catalog_scheduled: the store runs the
   * later release's delete, as the release order says.
   */
  private dropSuperseded(deletes: readonly ChangeItem[], version: number): void {
    if (deletes.length === 0) return;
    const gone = new Set(deletes.map((i) => `${i.entity}\u0000${itemKey(i)}`));
    const s = catalogScheduled;
    const rows = this.db.d
      .select({ version: s.version, page: s.page, items: s.items })
      .from(s)
      .where(lt(s.version, version))
      .all();
    for (const row of rows) {
      const items = JSON.parse(row.items) as ChangeItem[];
      const kept = items.filter((i) => !gone.has(`${i.entity}\u0000${itemKey(i)}`));
      if (kept.length === items.length) continue;
      this.db.d
        .update(s)
        .set({ items: JSON.stringify(kept), itemCount: kept.length })
        .where(and(eq(s.version, row.version), eq(s.page, row.page)))
        .run();
    }
  }

  private markApplied(version: number, now: number, dropStaged = true): void {
    if (dropStaged) this.db.d.delete(catalogStaging).where(lte(catalogStaging.version, version)).run();
    this.db.setMeta("catalog_version", version);
    this.db.setMeta("catalog_applied_at", new Date(now).toISOString());
  }

  /**
   * Applies the staged version without holding the writer for long: small versions in one
   * transaction, big ones built in shadow tables in steps and switched in at once (see the top
   * of this file). One at a time: a second call while one runs gets the same promise.
   */
  applyStagedInSteps(): Promise<AssembledVersion | undefined> {
    // After a promotion in steps, if one is running: the shadow tables are one build's.
    this.applying ??= (
      this.promoting ? this.promoting.catch(() => 0).then(() => this.applyInSteps()) : this.applyInSteps()
    ).finally(() => {
      this.applying = undefined;
      this.building = undefined;
    });
    return this.applying;
  }

  private async applyInSteps(): Promise<AssembledVersion | undefined> {
    const now = this.clock.now();
    if (!this.isComplete()) return undefined;
    // Parsing 300k staged items at once would stall the lanes for a second: a page at a time.
    const a = await this.stagedVersionInSteps();
    if (!a) return undefined;
    if (this.isFuture(a, now) && a.items.length > BIG_ITEMS) return this.scheduleInSteps(a, now);
    if (!this.isBig(a, now)) return this.applyStaged();
    const itemCount = a.items.length;
    const deletes = deletesOf(a.items);
    const job: BuildJob = {
      kind: a.kind,
      batches: [{ version: a.version, items: a.items }],
      // Staging cleared while building (resync, or HQ moved its snapshot floor): abandon.
      stillWanted: () =>
        !!this.db.d
          .select({ n: count() })
          .from(catalogStaging)
          .where(eq(catalogStaging.version, a.version))
          .get()?.n,
      commit: () => {
        if (a.kind === "snapshot")
          this.db.d.delete(catalogScheduled).where(lte(catalogScheduled.version, a.version)).run();
        else this.dropSuperseded(deletes, a.version);
        // The staged pages (~30 MB for 100k SKUs) are dropped a page at a time afterwards:
        // freeing them here would double this transaction. target() ignores pages at or below the
        // applied version meanwhile.
        this.markApplied(a.version, now, false);
      },
    };
    // 300k parsed items are garbage once written (the look-up is read back from the tables).
    a.items = [];
    return (await this.buildOrDrop(job)) ? { ...a, itemCount } : undefined;
  }

  /**
   * A big delta scheduled ahead: its staged pages are copied into catalog_scheduled a page per
   * step, then one transaction marks it applied. A crash in between leaves the pages staged
   * (the partial copy is dropped at the next start, and the version scheduled again).
   */
  private async scheduleInSteps(a: AssembledVersion, now: number): Promise<AssembledVersion | undefined> {
    const itemCount = a.items.length;
    a.items = [];
    const pages = this.target()?.have ?? [];
    await this.step(() =>
      this.db.d.delete(catalogScheduled).where(eq(catalogScheduled.version, a.version)).run(),
    );
    for (const page of pages) await this.step(() => this.scheduleStaged(a, page));
    let done = false;
    this.db.write(() => {
      const staged = this.db.d
        .select({ n: count() })
        .from(catalogStaging)
        .where(eq(catalogStaging.version, a.version))
        .get();
      if (staged?.n !== pages.length) {
        this.db.d.delete(catalogScheduled).where(eq(catalogScheduled.version, a.version)).run();
        return;
      }
      this.markApplied(a.version, now);
      done = true;
    });
    return done ? { ...a, itemCount } : undefined;
  }

  /** build(), dropping the shadow tables if it fails (unless the edge is stopping). */
  private async buildOrDrop(job: BuildJob): Promise<boolean> {
    try {
      return await this.build(job);
    } catch (e) {
      if (!this.closed) this.dropShadow();
      throw e;
    }
  }

  /** Builds the job in the shadow tables in steps and switches them in; false if abandoned. */
  private async build(job: BuildJob): Promise<boolean> {
    const raw = this.db.raw;
    const next = tablesOf("_next");
    const of = job.batches.reduce((n, b) => n + b.items.length, 0);
    this.building = { version: job.batches.at(-1)?.version ?? 0, items: 0, of };
    // Shadow tables with the live tables' own DDL (so the switched-in tables are identical).
    // Raw SQL: DDL, which drizzle's query builder does not express.
    this.db.write(() => {
      for (const e of ENTITIES) {
        const name = TABLE[e];
        raw.exec(`DROP TABLE IF EXISTS ${name}_next`);
        const ddl = (
          raw.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as {
            sql: string;
          }
        ).sql;
        raw.exec(ddl.replace(/^CREATE TABLE\s+("?)(\w+)\1/i, `CREATE TABLE ${name}_next`));
      }
    });
    const writer = new CatalogWriter(this.db.d, next);
    // A delta starts from a copy of the live tables, in rowid ranges (`sql` for rowid: the
    // implicit rowid is no column of the drizzle tables).
    if (job.kind === "delta") {
      for (const e of ENTITIES) {
        const src = this.live[e];
        const top = Number(
          this.db.d
            .select({ m: max(sql<number>`rowid`) })
            .from(src)
            .get()?.m ?? 0,
        );
        for (let from = 0; from < top; from += CHUNK) {
          await this.step(() =>
            this.db.d
              .insert(next[e])
              .select(
                this.db.d
                  .select()
                  .from(src)
                  .where(and(gt(sql`rowid`, from), lte(sql`rowid`, from + CHUNK))),
              )
              .run(),
          );
        }
      }
    }
    let written = 0;
    for (const { version, items } of job.batches) {
      let i = 0;
      while (i < items.length) {
        await this.step(() => {
          const end = performance.now() + SLICE_MS;
          const stop = Math.min(items.length, i + CHUNK);
          while (i < stop) {
            writer.applyOne(items[i++]!, version);
            if ((i & 31) === 0 && performance.now() > end) break;
          }
        });
        this.building.items = written + i;
        if (written + i >= of / 2) crashPoint("catalog.mid_apply");
      }
      written += items.length;
    }
    const versions = job.batches.map((b) => b.version);
    // The parsed items are garbage from here (the look-up is read back from the tables): let
    // the collector have them rather than trace them through every pause of the build.
    job.batches = [];
    const lookup = await this.buildLookup(next);
    // The switch: one short transaction, then the look-up in the same tick.
    let switched = false;
    this.db.write(() => {
      if (!job.stillWanted()) return;
      if (job.kind === "delta") this.keepRedeemedCoupons(next, versions, lookup);
      job.commit();
      // Raw SQL: renaming tables is DDL.
      for (const e of ENTITIES) {
        const name = TABLE[e];
        raw.exec(`ALTER TABLE ${name} RENAME TO ${name}_old`);
        raw.exec(`ALTER TABLE ${name}_next RENAME TO ${name}`);
      }
      // Index names are global: the phone index moves to the new members table.
      raw.exec("DROP INDEX IF EXISTS members_phone");
      raw.exec("CREATE INDEX members_phone ON members(phone)");
      switched = true;
    });
    if (!switched) {
      this.dropShadow();
      return false;
    }
    this.lookup = lookup;
    crashPoint("catalog.after_switch");
    await this.dropStale();
    return true;
  }

  /** Runs one short write, then lets the lanes in. */
  private async step(fn: () => void): Promise<void> {
    if (this.closed) throw new Error("edge stopped while applying a catalog version");
    this.db.write(fn);
    await yieldToLanes();
    if (this.closed) throw new Error("edge stopped while applying a catalog version");
  }

  /** The look-up of the shadow tables, read back by key, SLICE_MS of reading per step. */
  private async buildLookup(t: Tables): Promise<CatalogLookup> {
    const l = CatalogLookup.builder();
    for (const e of ENTITIES) {
      let end = performance.now() + SLICE_MS;
      for (const rows of this.pages(t, e, 200)) {
        if (this.closed) throw new Error("edge stopped while applying a catalog version");
        l.addRows(e, rows);
        if (performance.now() >= end) {
          await yieldToLanes();
          end = performance.now() + SLICE_MS;
        }
      }
      await yieldToLanes();
    }
    return l.finishBuild(yieldToLanes);
  }

  /**
   * Coupons redeemed at the lanes while a delta was being built (the copy may predate them)
   * stay redeemed, unless the build itself rewrote the coupon (its record then carries one of
   * the built versions: no other record can, they were not applied before). Runs inside the switch.
   */
  private keepRedeemedCoupons(next: Tables, versions: number[], lookup: CatalogLookup): void {
    const redeemed = this.db.d
      .select({ code: this.live.coupon.code })
      .from(this.live.coupon)
      // json_extract: drizzle has no JSON path operator for SQLite.
      .where(sql`json_extract(${this.live.coupon.data}, '$.status') = 'redeemed'`)
      .all();
    for (const { code } of redeemed) {
      const row = this.db.d
        .update(next.coupon)
        .set({ data: sql`json_set(${next.coupon.data}, '$.status', 'redeemed')` })
        .where(and(eq(next.coupon.code, code), notInArray(next.coupon.version, versions)))
        .returning({ data: next.coupon.data })
        .get();
      if (row) lookup.apply([{ op: "upsert", entity: "coupon", data: JSON.parse(row.data) }]);
    }
  }

  /** Staged pages of applied versions, a page per transaction, then the replaced tables. */
  private async dropStale(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const row = this.db.d
        .select({ version: catalogStaging.version, page: catalogStaging.page })
        .from(catalogStaging)
        .where(lte(catalogStaging.version, this.applied))
        .limit(1)
        .get();
      if (!row) break;
      this.db.write(() =>
        this.db.d
          .delete(catalogStaging)
          .where(and(eq(catalogStaging.version, row.version), eq(catalogStaging.page, row.page)))
          .run(),
      );
      await yieldToLanes();
    }
    await this.dropOld();
  }

  /** Empties the replaced tables in steps, then drops them. */
  private async dropOld(): Promise<void> {
    const raw = this.db.raw;
    for (const e of ENTITIES) {
      const name = `${TABLE[e]}_old`;
      // Raw SQL: the _old tables exist only between a switch and this clean-up.
      const del = raw.prepare(
        `DELETE FROM ${name} WHERE rowid IN (SELECT rowid FROM ${name} LIMIT ${CHUNK})`,
      );
      for (;;) {
        if (this.closed) return;
        const r = this.db.write(() => del.run());
        await yieldToLanes();
        if (r.changes === 0) break;
      }
      this.db.write(() => raw.exec(`DROP TABLE ${name}`));
    }
  }

  /** Drops shadow tables a crash or an abandoned build left behind (raw: sqlite_master and DDL). */
  private dropShadow(): void {
    const raw = this.db.raw;
    const left = raw
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE '%\\_next' ESCAPE '\\' OR name LIKE '%\\_old' ESCAPE '\\')",
      )
      .all() as { name: string }[];
    const ours = new Set(ENTITIES.flatMap((e) => [`${TABLE[e]}_next`, `${TABLE[e]}_old`]));
    this.db.write(() => {
      for (const { name } of left) if (ours.has(name)) raw.exec(`DROP TABLE ${name}`);
    });
  }

  /** Stops a build in progress (the edge is stopping); the staged pages stay for next time. */
  close(): Promise<unknown> {
    this.closed = true;
    return Promise.all([this.applying?.catch(() => undefined), this.promoting?.catch(() => undefined)]);
  }

  /** Scheduled versions whose time has come at `now`, in version order. */
  private dueVersions(now: number): DueVersion[] {
    const s = catalogScheduled;
    return this.db.d
      .select({
        version: s.version,
        effectiveAt: min(s.effectiveAt),
        pages: count(),
        items: sum(s.itemCount).mapWith(Number),
      })
      .from(s)
      .groupBy(s.version)
      .orderBy(asc(s.version))
      .all()
      .filter((r) => Date.parse(r.effectiveAt ?? "") <= now)
      .map(({ version, pages, items }) => ({ version, pages, items }));
  }

  /**
   * Promotes scheduled versions whose time has come, in version order, in ONE transaction;
   * returns how many. Holds the writer for all their items: tests and small versions (the
   * edge's timer uses promoteDueInSteps).
   */
  promoteDue(): number {
    // Not while a big version is being built: a delta's shadow copy would miss the promotion.
    if (this.busy) return 0;
    const due = this.dueVersions(this.clock.now());
    if (due.length === 0) return 0;
    const touched: ChangeItem[] = [];
    const versions = due.map((d) => d.version);
    this.db.write(() => {
      const rows = this.db.d
        .select({ version: catalogScheduled.version, items: catalogScheduled.items })
        .from(catalogScheduled)
        .where(inArray(catalogScheduled.version, versions))
        .orderBy(asc(catalogScheduled.version), asc(catalogScheduled.page))
        .all();
      const deletes: Batch[] = [];
      for (const row of rows) {
        const items = JSON.parse(row.items) as ChangeItem[];
        this.writer.apply(items, row.version);
        touched.push(...items);
        deletes.push({ version: row.version, items: deletesOf(items) });
      }
      this.db.d.delete(catalogScheduled).where(inArray(catalogScheduled.version, versions)).run();
      for (const d of deletes) this.dropSuperseded(d.items, d.version);
    });
    // Re-read what the database kept (the version guard may have kept a newer record).
    this.lookup.apply(touched.map((item) => this.current(item.entity, itemKey(item))));
    return due.length;
  }

  /**
   * Promotes scheduled versions whose time has come without holding up the lanes: up to
   * BIG_ITEMS items in all in one transaction (promoteDue); more are built in the shadow tables
   * in steps, like a big version on arrival, and switched in at once, with their scheduled rows
   * deleted in the switch. Until then lanes sell on the old records. Resolves to how many
   * versions were promoted (0 while another build runs: the next tick tries again).
   */
  promoteDueInSteps(): Promise<number> {
    if (this.busy) return Promise.resolve(0);
    const due = this.dueVersions(this.clock.now());
    if (due.reduce((n, d) => n + d.items, 0) <= BIG_ITEMS) return Promise.resolve(this.promoteDue());
    this.promoting = this.promoteInSteps(due).finally(() => {
      this.promoting = undefined;
      this.building = undefined;
    });
    return this.promoting;
  }

  private async promoteInSteps(due: DueVersion[]): Promise<number> {
    const versions = due.map((d) => d.version);
    const s = catalogScheduled;
    const page = this.db.d
      .select({ items: s.items })
      .from(s)
      .where(and(eq(s.version, sql.placeholder("version")), eq(s.page, sql.placeholder("page"))))
      .prepare();
    // The pages parsed one per event-loop turn (a page is at most a staged page, ~5,000 items).
    const batches: Batch[] = [];
    for (const d of due) {
      const pages = this.db.d
        .select({ page: s.page })
        .from(s)
        .where(eq(s.version, d.version))
        .orderBy(asc(s.page))
        .all();
      for (const { page: p } of pages) {
        await yieldToLanes();
        if (this.closed) throw new Error("edge stopped while promoting scheduled catalog changes");
        const row = page.get({ version: d.version, page: p });
        if (!row) return 0; // the scheduled rows went meanwhile
        batches.push({ version: d.version, items: JSON.parse(row.items) as ChangeItem[] });
      }
    }
    const deletes = batches.map((b) => ({ version: b.version, items: deletesOf(b.items) }));
    const switched = await this.buildOrDrop({
      kind: "delta",
      batches,
      stillWanted: () => {
        const left = this.db.d.select({ n: count() }).from(s).where(inArray(s.version, versions)).get();
        return left?.n === due.reduce((n, d) => n + d.pages, 0);
      },
      // The promoted versions leave the schedule in the switch itself: a crash before it promotes
      // them again, a crash after it finds them gone.
      commit: () => {
        this.db.d.delete(s).where(inArray(s.version, versions)).run();
        for (const d of deletes) this.dropSuperseded(d.items, d.version);
      },
    });
    return switched ? due.length : 0;
  }

  private current(entity: CatalogEntity, key: string): ChangeItem {
    const d = this.db.d;
    if (entity === "barcode") {
      const t = this.live.barcode;
      const row = d.select({ code: t.code, sku: t.sku }).from(t).where(eq(t.code, key)).get();
      return row ? { op: "upsert", entity, data: row } : { op: "delete", entity, key };
    }
    const t = this.live[entity] as Tables["product"];
    const row = d
      .select({ data: t.data })
      .from(t)
      .where(eq(keyCol(this.live, entity), key))
      .get();
    return row
      ? ({ op: "upsert", entity, data: JSON.parse(row.data) } as ChangeItem)
      : { op: "delete", entity, key };
  }

  /** Epoch ms of the next scheduled version. */
  nextDue(): number | undefined {
    const row = this.db.d
      .select({ effectiveAt: catalogScheduled.effectiveAt })
      .from(catalogScheduled)
      .orderBy(asc(catalogScheduled.effectiveAt))
      .limit(1)
      .get();
    return row ? Date.parse(row.effectiveAt) : undefined;
  }

  progress(): CatalogProgress {
    const t = this.target();
    const p = this.pointer();
    const out: CatalogProgress = {
      applied: this.applied,
      scheduled: this.db.d
        .selectDistinct({ version: catalogScheduled.version, effectiveAt: catalogScheduled.effectiveAt })
        .from(catalogScheduled)
        .orderBy(asc(catalogScheduled.version))
        .all(),
    };
    if (p) {
      out.pointer = p.version;
      out.snapshotFloor = p.snapshotFloor;
    }
    if (t) out.collecting = { kind: t.kind, version: t.version, pages: t.pages, have: t.have.length };
    if (this.building) out.building = { ...this.building };
    const at = this.db.meta("catalog_applied_at");
    if (at) out.appliedAt = at;
    return out;
  }
}

/** The upserts of a snapshot, by entity (a snapshot has no deletes that matter: it replaced all). */
function recordsOf(items: readonly ChangeItem[]): CatalogRecords {
  const r: CatalogRecords = {
    products: [],
    barcodes: [],
    prices: [],
    promotions: [],
    members: [],
    cashiers: [],
    coupons: [],
  };
  for (const item of items) {
    if (item.op !== "upsert") continue;
    switch (item.entity) {
      case "product":
        r.products.push(item.data);
        break;
      case "barcode":
        r.barcodes.push(item.data);
        break;
      case "price":
        r.prices.push(item.data);
        break;
      case "promotion":
        r.promotions.push(item.data);
        break;
      case "member":
        r.members.push(item.data);
        break;
      case "cashier":
        r.cashiers.push(item.data);
        break;
      case "coupon":
        r.coupons.push(item.data);
        break;
    }
  }
  return r;
}

function deletesOf(items: readonly ChangeItem[]): ChangeItem[] {
  return items.filter((i) => i.op === "delete");
}
