// A big version (a snapshot, a delta of more than BIG_ITEMS items, or scheduled versions due
// together) is built in shadow tables (`products_next`, ...) in short transactions, the new
// look-up read back from them the same way, then ONE short transaction renames the shadow
// tables in place of the live ones with the job's own bookkeeping. A crash before that leaves
// the old version (leftover shadow tables are dropped at the next start); after it, the new.
import type { ChangeItem } from "@retail/protocol";
import { and, eq, gt, inArray, lte, max, notInArray, sql } from "drizzle-orm";
import { crashPoint } from "../../crash.ts";
import type { EdgeDb } from "../../db.ts";
import { CatalogLookup } from "../lookup.ts";
import { CHUNK, EdgeStopping, SLICE_MS, step, yieldToLanes } from "./steps.ts";
import { CatalogWriter, ENTITIES, pagesOf, TABLE, type Tables, tablesOf } from "./tables.ts";

/** Items written under one version (a version's items, or one of several scheduled versions). */
export interface Batch {
  version: number;
  items: ChangeItem[];
}

/** One big build: what it writes, and what its switch also does. */
export interface BuildJob {
  kind: "delta" | "snapshot";
  /** Written in order, each item under its batch's version (the version guard settles overlaps). */
  batches: Batch[];
  /** Inside the switch transaction: false abandons the build (what it was built from is gone). */
  stillWanted(): boolean;
  /** Inside the switch transaction: the job's own bookkeeping (applied version, scheduled rows). */
  commit(): void;
}

export class ShadowBuild {
  /** The build in progress (items written so far), for the replica's progress. */
  building: { version: number; items: number; of: number } | undefined;

  constructor(
    private readonly db: EdgeDb,
    private readonly live: Tables,
    private readonly closed: () => boolean,
  ) {}

  /**
   * Builds the job in the shadow tables in steps and switches them in: the new look-up, to be
   * put in use in the same tick; undefined if the job was abandoned.
   */
  async build(job: BuildJob): Promise<CatalogLookup | undefined> {
    const raw = this.db.raw;
    const next = tablesOf("_next");
    const of = job.batches.reduce((n, b) => n + b.items.length, 0);
    this.building = { version: job.batches.at(-1)?.version ?? 0, items: 0, of };
    // Shadow tables with the live tables' own DDL (so the switched-in tables are identical).
    // Raw SQL: DDL, which drizzle's query builder does not express; sqlite_master is no table
    // of the schema (drizzle's sql template, so the statement is cached).
    this.db.write(() => {
      for (const e of ENTITIES) {
        const name = TABLE[e];
        raw.exec(`DROP TABLE IF EXISTS ${name}_next`);
        const ddl = this.db.d.get<{ sql: string }>(
          sql`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ${name}`,
        ).sql;
        // A table made by a drizzle-kit migration quotes its name in backticks, older ones in "" or not.
        raw.exec(ddl.replace(/^CREATE TABLE\s+([`"]?)(\w+)\1/i, `CREATE TABLE ${name}_next`));
      }
    });
    const writer = new CatalogWriter(this.db.d, next);
    const closed = this.closed;
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
          await step(this.db, closed, () =>
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
        await step(this.db, closed, () => {
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
      return undefined;
    }
    return lookup;
  }

  /** The look-up of the shadow tables, read back by key, SLICE_MS of reading per step. */
  private async buildLookup(t: Tables): Promise<CatalogLookup> {
    const l = CatalogLookup.builder();
    for (const e of ENTITIES) {
      let end = performance.now() + SLICE_MS;
      for (const rows of pagesOf(this.db.d, t, e, 200)) {
        if (this.closed()) throw new EdgeStopping();
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

  /** Empties the replaced tables in steps, then drops them. */
  async dropOld(): Promise<void> {
    const old = tablesOf("_old");
    for (const e of ENTITIES) {
      // `sql` for rowid: the implicit rowid is no column of the drizzle tables.
      const del = this.db.d
        .delete(old[e])
        .where(inArray(sql`rowid`, this.db.d.select({ r: sql`rowid` }).from(old[e]).limit(CHUNK)))
        .prepare();
      for (;;) {
        if (this.closed()) return;
        const r = this.db.write(() => del.run()) as { changes: number };
        await yieldToLanes();
        if (r.changes === 0) break;
      }
      // Raw SQL: DDL.
      this.db.write(() => this.db.raw.exec(`DROP TABLE ${TABLE[e]}_old`));
    }
  }

  /** Drops shadow tables a crash or an abandoned build left behind (sqlite_master; DDL raw). */
  dropShadow(): void {
    const left = this.db.d.all<{ name: string }>(
      sql`SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE '%\\_next' ESCAPE '\\' OR name LIKE '%\\_old' ESCAPE '\\')`,
    );
    const ours = new Set(ENTITIES.flatMap((e) => [`${TABLE[e]}_next`, `${TABLE[e]}_old`]));
    this.db.write(() => {
      for (const { name } of left) if (ours.has(name)) this.db.raw.exec(`DROP TABLE ${name}`);
    });
  }
}
