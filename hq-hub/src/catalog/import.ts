// CSV import of products, barcodes, prices and pack levels (pack-import.ts): every row is
// validated by the same rules as a single edit, the whole file lands in one draft change set in one transaction, or nothing
// does. Progress is a job resource (percent of rows processed); errors name row and column.
import { randomUUID } from "node:crypto";
import type { Product } from "@retail/protocol";
import { eq, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { barcodes, importJobs, products } from "../db/schema.ts";
import { ValidationError } from "../errors.ts";
import { aboutSentence } from "../rollout/changeset-about.ts";
import type { Catalog } from "./catalog.ts";
import { PACK_COLUMNS, packRecords } from "./pack-import.ts";
import { checkBarcode, checkPriceSchedule, checkProduct, type Entity, keyOf } from "./rules.ts";

export const IMPORT_KINDS = ["products", "barcodes", "prices", "packs"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface RowError {
  row: number;
  column: string;
  reason: string;
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Returns rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // Excel's UTF-8 BOM
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      field = "";
      if (row.length > 1 || row[0] !== "") rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const COLUMNS: Record<ImportKind, { required: string[]; optional: string[] }> = {
  products: {
    required: ["sku", "name", "category", "unit", "taxRate", "weighed", "status"],
    optional: ["nameEn", "plu", "pinyin"],
  },
  barcodes: { required: ["code", "sku"], optional: [] },
  prices: { required: ["sku", "price"], optional: ["scope", "scopeKey", "startsAt", "endsAt"] },
  packs: PACK_COLUMNS,
};

/** Turns one CSV row into the record the rules check (pure). Throws ValidationError(field). */
export function rowToRecord(
  kind: ImportKind,
  get: (col: string) => string | undefined,
): { entity: Entity; data: unknown } {
  const opt = (c: string) => {
    const v = get(c);
    return v === undefined || v === "" ? undefined : v;
  };
  const int = (c: string) => {
    const v = get(c) ?? "";
    if (!/^-?\d+$/.test(v)) throw new ValidationError(c, `not an integer: ${JSON.stringify(v)}`);
    return Number(v);
  };
  switch (kind) {
    case "packs":
      throw new ValidationError("kind", "pack rows are read per product (pack-import.ts)");
    case "products": {
      const weighed = (get("weighed") ?? "").toLowerCase();
      if (!["true", "false", "1", "0", "yes", "no"].includes(weighed))
        throw new ValidationError("weighed", "true or false");
      return {
        entity: "product",
        data: checkProduct({
          sku: get("sku"),
          name: get("name"),
          ...(opt("nameEn") ? { nameEn: opt("nameEn") } : {}),
          category: (get("category") ?? "").split(/[>/]/).filter(Boolean),
          unit: get("unit"),
          taxRate: int("taxRate"),
          weighed: ["true", "1", "yes"].includes(weighed),
          ...(opt("plu") ? { plu: opt("plu") } : {}),
          status: get("status"),
          ...(opt("pinyin") ? { pinyin: opt("pinyin") } : {}),
        }),
      };
    }
    case "barcodes":
      return { entity: "barcode", data: checkBarcode({ code: get("code"), sku: get("sku") }) };
    case "prices": {
      const scope = opt("scope") ?? "chain";
      return {
        entity: "price",
        data: checkPriceSchedule({
          sku: get("sku"),
          scope,
          ...(opt("scopeKey") ? { scopeKey: opt("scopeKey") } : {}),
          windows: [
            {
              price: int("price"),
              ...(opt("startsAt") ? { startsAt: opt("startsAt") } : {}),
              ...(opt("endsAt") ? { endsAt: opt("endsAt") } : {}),
            },
          ],
        }),
      };
    }
  }
}

export interface ImportJob {
  id: string;
  kind: ImportKind;
  state: "running" | "done" | "failed";
  totalRows: number;
  processedRows: number;
  percent: number;
  errors: RowError[];
  changesetId: number | null;
}

const MAX_REPORTED_ERRORS = 1000;

export function createImports(deps: { db: Sqlite; now: () => Date; catalog: Catalog }) {
  const { db, now, catalog } = deps;
  const orm = openDrizzle(db);
  const live = new Map<string, ImportJob>();

  function get(id: string): ImportJob {
    const j = live.get(id);
    if (j) return j;
    const r = orm.select().from(importJobs).where(eq(importJobs.id, id)).get();
    if (!r) throw new ValidationError("id", `no import job ${id}`);
    return {
      id,
      kind: r.kind as ImportKind,
      state: r.state as ImportJob["state"],
      totalRows: r.totalRows,
      processedRows: r.processedRows,
      percent: r.totalRows ? Math.floor((r.processedRows * 100) / r.totalRows) : 100,
      errors: JSON.parse(r.errorsJson),
      changesetId: r.changesetId ?? null,
    };
  }

  function persist(job: ImportJob, actor: string, finished: boolean) {
    const at = now().toISOString();
    const row = {
      state: job.state,
      processedRows: job.processedRows,
      errorsJson: JSON.stringify(job.errors),
      changesetId: job.changesetId,
      finishedAt: finished ? at : null,
    };
    orm
      .insert(importJobs)
      .values({
        id: job.id,
        kind: job.kind,
        totalRows: job.totalRows,
        createdBy: actor,
        createdAt: at,
        ...row,
      })
      .onConflictDoUpdate({ target: importJobs.id, set: row })
      .run();
  }

  /**
   * Starts an import and returns its job at once; the work runs in slices (yielding to the
   * event loop so progress can be polled and MQTT keeps flowing), then commits in one
   * transaction if no row failed.
   */
  function start(
    actor: string,
    kind: string,
    csv: string,
    changesetId?: number,
    onDone?: (job: ImportJob) => void,
  ): ImportJob {
    if (!IMPORT_KINDS.includes(kind as ImportKind))
      throw new ValidationError("kind", `import kind is one of ${IMPORT_KINDS.join(", ")}`);
    const rows = parseCsv(csv);
    const header = rows.shift() ?? [];
    const k = kind as ImportKind;
    const missingCols = COLUMNS[k].required.filter((c) => !header.includes(c));
    if (missingCols.length)
      throw new ValidationError("header", `missing column(s) ${missingCols.join(", ")}`);
    const unknownCols = header.filter(
      (c) => !COLUMNS[k].required.includes(c) && !COLUMNS[k].optional.includes(c),
    );
    if (unknownCols.length)
      throw new ValidationError("header", `unknown column(s) ${unknownCols.join(", ")}`);
    const job: ImportJob = {
      id: randomUUID(),
      kind: k,
      state: "running",
      totalRows: rows.length,
      processedRows: 0,
      percent: 0,
      errors: [],
      changesetId: null,
    };
    live.set(job.id, job);
    persist(job, actor, false);
    const done = run(job, actor, header, rows, changesetId).then(
      () => onDone?.(job),
      (e) => {
        job.state = "failed";
        job.errors.push({ row: 0, column: "", reason: (e as Error).message });
        persist(job, actor, true);
        onDone?.(job);
      },
    );
    void done;
    return job;
  }

  /**
   * A product row has no pack columns: the product keeps the pack levels it has (a re-import of
   * the product file must not drop its cases), and a product with packs cannot become weighed.
   */
  function keepPacks(rec: { data: unknown }, sku: string) {
    const packs = (catalog.readMaster("product", sku) as Product | null)?.packs;
    if (!packs?.length) return;
    if ((rec.data as Product).weighed)
      throw new ValidationError(
        "weighed",
        `SKU ${sku} has ${packs.length} pack level(s); remove them (packs import or editor) before selling it by weight`,
      );
    rec.data = { ...(rec.data as Product), packs };
  }

  async function run(
    job: ImportJob,
    actor: string,
    header: string[],
    rows: string[][],
    changesetId?: number,
  ) {
    const col = new Map(header.map((h, i) => [h, i]));
    const records: { entity: Entity; key: string; data: unknown }[] = [];
    const seen = new Map<string, number>();
    // Existing master keys the rows refer to, for the rules that need them.
    const skuKnown = orm
      .select({ sku: products.sku })
      .from(products)
      .where(eq(products.sku, sql.placeholder("sku")))
      .prepare();
    const codeOwner = orm
      .select({ sku: barcodes.sku })
      .from(barcodes)
      .where(eq(barcodes.code, sql.placeholder("code")))
      .prepare();
    const importSkus = new Set<string>();
    const SLICE = 5000;
    if (job.kind === "packs") {
      const r = packRecords(header, rows, {
        current: (sku) => catalog.readMaster("product", sku) as Product | null,
        checkCodes: catalog.checkProductPacks,
      });
      job.errors.push(...r.errors.slice(0, MAX_REPORTED_ERRORS));
      for (const p of r.records) records.push({ entity: "product", key: p.sku, data: p.data });
      job.processedRows = rows.length;
    }
    for (let i = 0; i < (job.kind === "packs" ? 0 : rows.length); i++) {
      const row = rows[i]!;
      const rowNo = i + 1;
      try {
        if (row.length !== header.length)
          throw new ValidationError("", `has ${row.length} fields, the header has ${header.length}`);
        const rec = rowToRecord(job.kind, (c) => (col.has(c) ? row[col.get(c)!] : undefined));
        const key = keyOf(rec.entity, rec.data);
        const dupe = seen.get(`${rec.entity}|${key}`);
        if (dupe !== undefined)
          throw new ValidationError(rec.entity === "barcode" ? "code" : "sku", `duplicates row ${dupe}`);
        seen.set(`${rec.entity}|${key}`, rowNo);
        if (rec.entity === "product") {
          importSkus.add(key);
          keepPacks(rec, key);
        }
        if (rec.entity === "barcode" || rec.entity === "price") {
          const sku = (rec.data as { sku: string }).sku;
          if (!importSkus.has(sku) && !skuKnown.get({ sku }))
            throw new ValidationError("sku", `unknown SKU ${sku}`);
        }
        if (rec.entity === "barcode") {
          const owner = codeOwner.get({ code: key });
          if (owner && owner.sku !== (rec.data as { sku: string }).sku)
            throw new ValidationError("code", `barcode ${key} already belongs to SKU ${owner.sku}`);
        }
        records.push({ entity: rec.entity, key, data: rec.data });
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        if (job.errors.length < MAX_REPORTED_ERRORS)
          job.errors.push({ row: rowNo, column: e.field, reason: e.message });
      }
      job.processedRows = i + 1;
      job.percent = Math.floor((job.processedRows * 90) / Math.max(1, rows.length)); // the commit is the last 10%
      if (i % SLICE === SLICE - 1) await new Promise((r) => setTimeout(r, 0));
    }
    if (job.errors.length > 0) {
      job.state = "failed";
      persist(job, actor, true);
      return;
    }
    const id =
      changesetId ??
      catalog.createChangeset(actor, {
        description: aboutSentence({ kind: "import", importKind: job.kind, rows: records.length }),
        target: { kind: "all" },
      }).id;
    if (changesetId !== undefined) catalog.draftFor(actor, changesetId); // must be a draft
    db.transaction(() => {
      for (const r of records) catalog.putItem(id, r.entity, r.key, "upsert", r.data);
      catalog.audit(id, "edit", actor, { kind: "import", importKind: job.kind, rows: records.length });
    })();
    catalog.invalidate();
    job.changesetId = id;
    job.state = "done";
    job.percent = 100;
    persist(job, actor, true);
    live.delete(job.id);
  }

  /** Runs an import to the end (CLI and tests). */
  function runToEnd(actor: string, kind: string, csv: string, changesetId?: number): Promise<ImportJob> {
    return new Promise((resolve, reject) => {
      try {
        start(actor, kind, csv, changesetId, resolve);
      } catch (e) {
        reject(e);
      }
    });
  }

  return { start, get, runToEnd };
}

export type Imports = ReturnType<typeof createImports>;
