// Change-set pages are kept in catalog_staging as they arrive, so a restart resumes collecting
// where it was and a version is applied only once all its pages are in. Pages at or below the
// applied version are left over from a big apply and are dropped after it, a page at a time.
import type { CatalogChangeSet, ChangeItem } from "@retail/protocol";
import { and, asc, count, eq, gt, lte } from "drizzle-orm";
import { catalogStaging } from "../../db/schema.ts";
import type { EdgeDb } from "../../db.ts";
import {
  type AssembledVersion,
  assemble,
  type CollectTarget,
  judgePage,
  type PageVerdict,
} from "../changeset.ts";
import { EdgeStopping, yieldToLanes } from "./steps.ts";

type StagedRow = typeof catalogStaging.$inferSelect;

function pageOf(r: StagedRow): CatalogChangeSet {
  return {
    kind: r.kind as "delta" | "snapshot",
    version: r.version,
    fromVersion: r.fromVersion,
    page: r.page,
    pages: r.pages,
    ...(r.effectiveAt ? { effectiveAt: r.effectiveAt } : {}),
    items: JSON.parse(r.items) as ChangeItem[],
  };
}

export class StagedPages {
  constructor(
    private readonly db: EdgeDb,
    /** The replica's applied version. */
    private readonly applied: () => number,
  ) {}

  /** What is being collected, from the staged pages. */
  target(): CollectTarget | undefined {
    const s = catalogStaging;
    const rows = this.db.d
      .select({ version: s.version, page: s.page, kind: s.kind, fromVersion: s.fromVersion, pages: s.pages })
      .from(s)
      .where(gt(s.version, this.applied()))
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
    const verdict = judgePage(page, this.applied(), this.target());
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

  /** Drops every staged page. */
  clear(): void {
    this.db.write(() => this.db.d.delete(catalogStaging).run());
  }

  isComplete(): boolean {
    const t = this.target();
    return t !== undefined && t.have.length === t.pages;
  }

  /** The complete staged version, read and parsed at once; undefined if incomplete. */
  version(): AssembledVersion | undefined {
    const t = this.target();
    if (!t || t.have.length !== t.pages) return undefined;
    const rows: StagedRow[] = this.db.d
      .select()
      .from(catalogStaging)
      .where(eq(catalogStaging.version, t.version))
      .orderBy(asc(catalogStaging.page))
      .all();
    return assemble(rows.filter((r) => r.version === t.version).map(pageOf));
  }

  /** The staged version as version() has it, read and parsed a page per event-loop turn. */
  async versionInSteps(closed: () => boolean): Promise<AssembledVersion | undefined> {
    const t = this.target();
    if (!t || t.have.length !== t.pages) return undefined;
    const pages: CatalogChangeSet[] = [];
    for (const page of t.have) {
      await yieldToLanes();
      if (closed()) throw new EdgeStopping();
      const r = this.db.d
        .select()
        .from(catalogStaging)
        .where(and(eq(catalogStaging.version, t.version), eq(catalogStaging.page, page)))
        .get();
      if (!r) return undefined; // staging cleared meanwhile
      pages.push(pageOf(r));
    }
    return assemble(pages);
  }

  /** How many pages of `version` are staged. */
  count(version: number): number {
    return (
      this.db.d.select({ n: count() }).from(catalogStaging).where(eq(catalogStaging.version, version)).get()
        ?.n ?? 0
    );
  }

  /** Inside the caller's write: the pages of `version` and below go. */
  dropUpTo(version: number): void {
    this.db.d.delete(catalogStaging).where(lte(catalogStaging.version, version)).run();
  }

  /** Pages of applied versions, a page per transaction (~30 MB for 100k SKUs at once). */
  async dropApplied(closed: () => boolean): Promise<void> {
    for (;;) {
      if (closed()) return;
      const row = this.db.d
        .select({ version: catalogStaging.version, page: catalogStaging.page })
        .from(catalogStaging)
        .where(lte(catalogStaging.version, this.applied()))
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
  }
}
