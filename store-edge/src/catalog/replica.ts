// The catalog replica: change-set pages are staged in the database as they arrive
// (apply/staging.ts) and a complete version is applied all at once, so the store never sees
// half a change set, and a restart resumes collecting where it was.
//
// Small versions are applied in ONE transaction. A big one (a snapshot, or a delta of more than
// BIG_ITEMS items) would hold the single writer for seconds (a 100k-SKU snapshot: ~3.7 s), so
// it is built in shadow tables (`products_next`, ...) in short transactions (SLICE_MS of work,
// at most CHUNK rows),
// yielding to the event loop between them so lane writes interleave; the new look-up index is
// built from the shadow tables the same way; then ONE short transaction renames the shadow
// tables in place of the live ones, marks the version applied and drops its staged pages, and
// the look-up is swapped in the same tick (apply/shadow-build.ts). A crash before that transaction leaves the old
// version (leftover shadow tables are dropped at the next start and the staged pages are still
// complete, so the version is applied again); a crash after it leaves the new one.
//
// A version whose effectiveAt lies ahead on the store's clock is applied ahead: its pages wait
// in catalog_scheduled (apply/schedule.ts) and are promoted when the clock reaches it. Promotion is the same choice:
// up to BIG_ITEMS items due in one transaction; more (a 50k-item price change for midnight) are
// built in the same shadow tables in steps and switched in at once, so the lanes keep selling
// at the old prices until the switch.
import type { CatalogChangeSet, CatalogEntity, ChangeItem } from "@retail/protocol";
import { and, gt, inArray } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { crashPoint } from "../crash.ts";
import { catalogScheduled, catalogStaging } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import { halfOfChangeSet } from "../plant.ts";
import { deletesOf, recordsOf } from "./apply/items.ts";
import { type DueVersion, Schedule } from "./apply/schedule.ts";
import { type Batch, type BuildJob, ShadowBuild } from "./apply/shadow-build.ts";
import { StagedPages } from "./apply/staging.ts";
import { BIG_ITEMS, EdgeStopping, step, yieldToLanes } from "./apply/steps.ts";
import { CatalogWriter, currentItem, ENTITIES, pagesOf, tablesOf } from "./apply/tables.ts";
import { type AssembledVersion, type CollectTarget, itemKey, type PageVerdict } from "./changeset.ts";
import { CatalogLookup } from "./lookup.ts";

export { BIG_ITEMS, CHUNK, SLICE_MS } from "./apply/steps.ts";

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

export class CatalogReplica {
  lookup: CatalogLookup;
  private readonly live = tablesOf("");
  private readonly writer: CatalogWriter;
  private readonly staged: StagedPages;
  private readonly schedule: Schedule;
  private readonly shadow: ShadowBuild;
  private applying: Promise<AssembledVersion | undefined> | undefined;
  /** Scheduled versions being promoted in steps (one build at a time, as with `applying`). */
  private promoting: Promise<number> | undefined;
  private closed = false;

  constructor(
    private readonly db: EdgeDb,
    private readonly clock: Clock,
  ) {
    this.writer = new CatalogWriter(db.d, this.live);
    this.staged = new StagedPages(db, () => this.applied);
    this.schedule = new Schedule(db);
    this.shadow = new ShadowBuild(db, this.live, () => this.closed);
    // Before serving: what a crash during a big apply left (shadow or replaced tables, pages of
    // the applied version).
    this.shadow.dropShadow();
    this.db.write(() => {
      this.staged.dropUpTo(this.applied);
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

  /**
   * Builds the in-memory look-up from the tables (at start), page by page, so no copy of the
   * catalog (100k rows as objects, then as a second array of their JSON) is held while it is
   * built: that peak (~370 MB with 100k SKUs) was what the allocator kept as the edge's RSS.
   */
  load(): CatalogLookup {
    const l = CatalogLookup.loading();
    for (const e of ENTITIES) for (const rows of pagesOf(this.db.d, this.live, e, 2000)) l.addRows(e, rows);
    return l.built();
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
    return this.staged.target();
  }

  /** Keeps one page if it belongs to the next version. */
  stage(page: CatalogChangeSet): PageVerdict {
    return this.staged.stage(page);
  }

  /** Drops staged pages (a stale target, or `resync_catalog`). A build in progress then stops. */
  clearStaging(): void {
    this.staged.clear();
  }

  isComplete(): boolean {
    return this.staged.isComplete();
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
    const a = halfOfChangeSet(this.staged.version());
    if (!a) return undefined;
    this.db.write(() => {
      if (a.kind === "snapshot") {
        for (const e of ENTITIES) this.db.d.delete(this.live[e]).run();
        this.schedule.dropUpTo(a.version);
        this.writer.apply(a.items, a.version);
      } else if (this.isFuture(a, now)) {
        this.schedule.drop([a.version]);
        this.schedule.copyStaged(a);
      } else {
        this.writer.apply(a.items, a.version);
        this.schedule.dropSuperseded(deletesOf(a.items), a.version);
      }
      this.markApplied(a.version, now);
    });
    // A snapshot's items are the whole catalog, already parsed: index them directly rather than
    // reading 300k rows back.
    if (a.kind === "snapshot") this.lookup = CatalogLookup.from(recordsOf(a.items));
    else if (!this.isFuture(a, now)) this.lookup.apply(a.items);
    return a;
  }

  private markApplied(version: number, now: number, dropStaged = true): void {
    if (dropStaged) this.staged.dropUpTo(version);
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
      this.shadow.building = undefined;
    });
    return this.applying;
  }

  private async applyInSteps(): Promise<AssembledVersion | undefined> {
    const now = this.clock.now();
    if (!this.isComplete()) return undefined;
    // Parsing 300k staged items at once would stall the lanes for a second: a page at a time.
    const a = await this.staged.versionInSteps(() => this.closed);
    if (!a) return undefined;
    if (this.isFuture(a, now) && a.items.length > BIG_ITEMS) return this.scheduleInSteps(a, now);
    if (!this.isBig(a, now)) return this.applyStaged();
    const itemCount = a.items.length;
    const deletes = deletesOf(a.items);
    const job: BuildJob = {
      kind: a.kind,
      batches: [{ version: a.version, items: a.items }],
      // Staging cleared while building (resync, or HQ moved its snapshot floor): abandon.
      stillWanted: () => this.staged.count(a.version) > 0,
      commit: () => {
        if (a.kind === "snapshot") this.schedule.dropUpTo(a.version);
        else this.schedule.dropSuperseded(deletes, a.version);
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
    const closed = () => this.closed;
    await step(this.db, closed, () => this.schedule.drop([a.version]));
    for (const page of pages) await step(this.db, closed, () => this.schedule.copyStaged(a, page));
    let done = false;
    this.db.write(() => {
      if (this.staged.count(a.version) !== pages.length) {
        this.schedule.drop([a.version]);
        return;
      }
      this.markApplied(a.version, now);
      done = true;
    });
    return done ? { ...a, itemCount } : undefined;
  }

  /**
   * Builds the job in the shadow tables and switches it in (false if abandoned), then drops
   * the staged pages of applied versions and the replaced tables in steps; drops the shadow
   * tables if anything fails (unless the edge is stopping).
   */
  private async buildOrDrop(job: BuildJob): Promise<boolean> {
    try {
      const lookup = await this.shadow.build(job);
      if (!lookup) return false;
      this.lookup = lookup;
      crashPoint("catalog.after_switch");
      await this.staged.dropApplied(() => this.closed);
      if (!this.closed) await this.shadow.dropOld();
      return true;
    } catch (e) {
      if (!this.closed) this.shadow.dropShadow();
      throw e;
    }
  }

  /** Stops a build in progress (the edge is stopping); the staged pages stay for next time. */
  close(): Promise<unknown> {
    this.closed = true;
    return Promise.all([this.applying?.catch(() => undefined), this.promoting?.catch(() => undefined)]);
  }

  /**
   * Promotes scheduled versions whose time has come, in version order, in ONE transaction;
   * returns how many. Holds the writer for all their items: tests and small versions (the
   * edge's timer uses promoteDueInSteps).
   */
  promoteDue(): number {
    // Not while a big version is being built: a delta's shadow copy would miss the promotion.
    if (this.busy) return 0;
    const due = this.schedule.due(this.clock.now());
    if (due.length === 0) return 0;
    const touched: ChangeItem[] = [];
    const versions = due.map((d) => d.version);
    this.db.write(() => {
      const deletes: Batch[] = [];
      for (const row of this.schedule.rows(versions)) {
        const items = JSON.parse(row.items) as ChangeItem[];
        this.writer.apply(items, row.version);
        touched.push(...items);
        deletes.push({ version: row.version, items: deletesOf(items) });
      }
      this.schedule.drop(versions);
      for (const d of deletes) this.schedule.dropSuperseded(d.items, d.version);
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
    const due = this.schedule.due(this.clock.now());
    if (due.reduce((n, d) => n + d.items, 0) <= BIG_ITEMS) return Promise.resolve(this.promoteDue());
    this.promoting = this.promoteInSteps(due).finally(() => {
      this.promoting = undefined;
      this.shadow.building = undefined;
    });
    return this.promoting;
  }

  private async promoteInSteps(due: DueVersion[]): Promise<number> {
    const versions = due.map((d) => d.version);
    // The pages parsed one per event-loop turn (a page is at most a staged page, ~5,000 items).
    const batches: Batch[] = [];
    for (const d of due) {
      for (const p of this.schedule.pages(d.version)) {
        await yieldToLanes();
        if (this.closed) throw new EdgeStopping("promoting scheduled catalog changes");
        const items = this.schedule.pageItemsOf(d.version, p);
        if (items === undefined) return 0; // the scheduled rows went meanwhile
        batches.push({ version: d.version, items: JSON.parse(items) as ChangeItem[] });
      }
    }
    const deletes = batches.map((b) => ({ version: b.version, items: deletesOf(b.items) }));
    const pages = due.reduce((n, d) => n + d.pages, 0);
    const switched = await this.buildOrDrop({
      kind: "delta",
      batches,
      stillWanted: () => this.schedule.pageCount(versions) === pages,
      // The promoted versions leave the schedule in the switch itself: a crash before it promotes
      // them again, a crash after it finds them gone.
      commit: () => {
        this.schedule.drop(versions);
        for (const d of deletes) this.schedule.dropSuperseded(d.items, d.version);
      },
    });
    return switched ? due.length : 0;
  }

  private current(entity: CatalogEntity, key: string): ChangeItem {
    return currentItem(this.db.d, this.live, entity, key);
  }

  /** Epoch ms of the next scheduled version. */
  nextDue(): number | undefined {
    return this.schedule.nextDue();
  }

  progress(): CatalogProgress {
    const t = this.target();
    const p = this.pointer();
    const out: CatalogProgress = { applied: this.applied, scheduled: this.schedule.list() };
    if (p) {
      out.pointer = p.version;
      out.snapshotFloor = p.snapshotFloor;
    }
    if (t) out.collecting = { kind: t.kind, version: t.version, pages: t.pages, have: t.have.length };
    const building = this.shadow.building;
    if (building) out.building = { ...building };
    const at = this.db.meta("catalog_applied_at");
    if (at) out.appliedAt = at;
    return out;
  }
}
