// Change-set paging, as pure functions over plain data (docs/sync.md, "Down: catalog change
// sets"): which page to ask for next, whether an arriving page belongs to what is being
// collected, and the assembly of a complete version. The replica does the I/O.
import type { CatalogChangeSet, ChangeItem } from "@retail/protocol";

export interface PointerState {
  version: number;
  snapshotFloor: number;
}

/** The version being collected: what page 0 said, and which pages are in. */
export interface CollectTarget {
  kind: "delta" | "snapshot";
  version: number;
  fromVersion: number;
  pages: number;
  have: number[];
}

export interface FetchRequest {
  fromVersion: number;
  page: number;
  snapshotVersion?: number;
}

export type PageVerdict = { stage: true } | { stage: false; reason: string };

/** Should this page be kept? Pages that cannot belong to the next version are dropped. */
export function judgePage(page: CatalogChangeSet, applied: number, target?: CollectTarget): PageVerdict {
  if (page.version <= applied)
    return { stage: false, reason: `version ${page.version} is already applied (at ${applied})` };
  if (page.kind === "delta" && page.fromVersion !== applied)
    return { stage: false, reason: `delta follows ${page.fromVersion}, the store is at ${applied}` };
  if (page.page >= page.pages) return { stage: false, reason: `page ${page.page} of ${page.pages}` };
  if (
    target &&
    (target.kind !== page.kind || target.version !== page.version || target.pages !== page.pages)
  ) {
    return {
      stage: false,
      reason: `collecting ${target.kind} ${target.version}, got ${page.kind} ${page.version}`,
    };
  }
  return { stage: true };
}

export function missingPages(target: CollectTarget): number[] {
  const have = new Set(target.have);
  const out: number[] = [];
  for (let p = 0; p < target.pages; p++) if (!have.has(p)) out.push(p);
  return out;
}

/** The next catalog.fetch to send, or undefined when the store is up to date. */
export function nextFetch(
  applied: number,
  pointer: PointerState | undefined,
  target: CollectTarget | undefined,
): FetchRequest | undefined {
  if (target) {
    const page = missingPages(target)[0];
    if (page === undefined) return undefined; // complete: apply first
    return target.kind === "snapshot"
      ? { fromVersion: applied, page, snapshotVersion: target.version }
      : { fromVersion: applied, page };
  }
  if (pointer && pointer.version > applied) return { fromVersion: applied, page: 0 };
  return undefined;
}

export interface AssembledVersion {
  kind: "delta" | "snapshot";
  version: number;
  fromVersion: number;
  effectiveAt?: string;
  items: ChangeItem[];
  /** Set when `items` was released after a big version was applied in steps. */
  itemCount?: number;
}

export class AssemblyError extends Error {
  override readonly name = "AssemblyError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Joins the pages of one version in page order; throws unless every page is there exactly once. */
export function assemble(pages: readonly CatalogChangeSet[]): AssembledVersion {
  const first = pages[0];
  if (!first) throw new AssemblyError("pages", "no pages");
  const sorted = [...pages].sort((a, b) => a.page - b.page);
  sorted.forEach((p, i) => {
    if (p.page !== i) throw new AssemblyError(`pages.${i}`, `expected page ${i}, got ${p.page}`);
    if (p.kind !== first.kind || p.version !== first.version || p.pages !== first.pages)
      throw new AssemblyError(`pages.${i}`, "pages of different change sets");
  });
  if (sorted.length !== first.pages)
    throw new AssemblyError("pages", `have ${sorted.length} of ${first.pages} pages`);
  const out: AssembledVersion = {
    kind: first.kind,
    version: first.version,
    fromVersion: first.fromVersion,
    items: sorted.flatMap((p, i) => {
      if (!p.items) throw new AssemblyError(`pages.${i}.items`, "page items not decoded");
      return p.items;
    }),
  };
  const effectiveAt = sorted.find((p) => p.effectiveAt)?.effectiveAt;
  if (effectiveAt) out.effectiveAt = effectiveAt;
  return out;
}

/** Key of a change item, as the replica tables key it. */
export function itemKey(item: ChangeItem): string {
  if (item.op === "delete") return item.key;
  switch (item.entity) {
    case "product":
    case "price":
      return item.data.sku;
    case "barcode":
      return item.data.code;
    case "coupon":
      return item.data.code;
    default:
      return item.data.id;
  }
}
