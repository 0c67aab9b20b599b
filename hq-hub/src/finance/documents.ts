// Vouchers for business documents (a supplier invoice, a payment, a settlement fee, a store-day's
// cost of goods sold, a receipt, a count, a transfer): one balanced voucher per document, posted
// exactly once. The unique index vouchers_by_document on (source_kind, source_id) is the proof:
// a second call for the same document finds the first voucher and returns its id, posting
// nothing (also when its lines differ: a posted voucher is never changed; correct a document
// with a new one, e.g. kind "invoice.reversal").
//
// Callable inside the caller's transaction (the caller's document and its voucher commit
// together): then it works in a savepoint; otherwise it opens an IMMEDIATE transaction of its own
// (the look-up and the insert under the write lock).
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type LedgerAccount, parentOf } from "../accounts/chart.ts";
import { chartOf, companyOfStore } from "../accounts/storage.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { financePeriods, voucherLines, vouchers } from "../db/schema.ts";
import { fromZod, ValidationError } from "../errors.ts";
import { postingDay } from "./ledger.ts";

export interface DocumentVoucherLine {
  account: string;
  debitFen: number;
  creditFen: number;
}

export interface DocumentVoucherInput {
  storeId: string;
  /** The document's accounting date (YYYY-MM-DD); a closed month posts on the next open one. */
  businessDay: string;
  source: { kind: string; id: string };
  memo: string;
  lines: DocumentVoucherLine[];
}

export interface DocumentVoucherResult {
  /** The voucher of this document: the one just posted, or the one posted before. */
  id: number;
  /** false: the document had been posted already; nothing was written. */
  created: boolean;
}

/** A line names an account the store's company does not have, has deactivated, or that has sub-accounts. */
export class UnknownAccountError extends ValidationError {
  constructor(
    field: string,
    readonly account: string,
    readonly companyId: string,
    reason: string,
  ) {
    super(field, `account ${JSON.stringify(account)} ${reason} (company ${companyId})`);
  }
}

/** Debits and credits differ: nothing is posted. */
export class UnbalancedDocumentError extends ValidationError {
  constructor(
    readonly source: string,
    readonly debitFen: number,
    readonly creditFen: number,
  ) {
    super("lines", `voucher for ${source}: debits ${debitFen} fen != credits ${creditFen} fen`);
  }
}

// Printable, bounded: these strings go into vouchers and accounting packages' import files.
const printable = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}\p{Cs}]*$/u, "printable characters only");
const Fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const DocumentVoucherInput = z.object({
  storeId: printable(64).min(1),
  businessDay: z.iso.date({ message: "a date YYYY-MM-DD" }),
  source: z.object({
    kind: z.string().regex(/^[a-z][a-z0-9_.-]{0,39}$/, "lower-case letters, digits, _ . - (1-40)"),
    id: printable(200).min(1),
  }),
  memo: printable(200),
  lines: z
    .array(z.object({ account: z.string().min(1).max(32), debitFen: Fen, creditFen: Fen }))
    .min(2, "a voucher has at least two lines")
    .max(1000),
});

export interface DocumentCache {
  companies: Map<string, string>;
  charts: Map<string, { chart: Map<string, LedgerAccount>; parents: Set<string | undefined> }>;
}
export const documentCache = (): DocumentCache => ({ companies: new Map(), charts: new Map() });

/** Runs `fn` atomically: in a savepoint inside the caller's transaction, else in an IMMEDIATE one. */
export function atomically<T>(db: Sqlite, name: string, fn: () => T): T {
  if (!db.inTransaction) return db.transaction(fn).immediate() as T;
  // Raw SQL: libsql's transaction() does not nest, and drizzle's savepoints belong to its own
  // (async-style) transaction object.
  db.exec(`SAVEPOINT ${name}`);
  try {
    const v = fn();
    db.exec(`RELEASE ${name}`);
    return v;
  } catch (e) {
    db.exec(`ROLLBACK TO ${name}`);
    db.exec(`RELEASE ${name}`);
    throw e;
  }
}

/** Prepared once per handle: a posting run calls postDocumentVoucher thousands of times. */
const prepared = new WeakMap<Sqlite, ReturnType<typeof prepare>>();
function prepare(db: Sqlite) {
  const orm = openDrizzle(db);
  const p = (name: string) => sql.placeholder(name);
  return {
    lookup: orm
      .select({ id: vouchers.id })
      .from(vouchers)
      .where(and(eq(vouchers.sourceKind, p("kind")), eq(vouchers.sourceId, p("id"))))
      .prepare(),
    closed: orm.select({ p: financePeriods.period }).from(financePeriods).prepare(),
    insertVoucher: orm
      .insert(vouchers)
      .values({
        storeId: p("storeId"),
        businessDay: p("businessDay"),
        sourceDay: p("sourceDay"),
        postedAt: p("postedAt"),
        memo: p("memo"),
        debitFen: p("debitFen"),
        creditFen: p("creditFen"),
        sourceKind: p("sourceKind"),
        sourceId: p("sourceId"),
      })
      .returning({ id: vouchers.id })
      .prepare(),
    insertLine: orm
      .insert(voucherLines)
      .values({
        voucherId: p("voucherId"),
        lineNo: p("lineNo"),
        account: p("account"),
        debitFen: p("debitFen"),
        creditFen: p("creditFen"),
      })
      .prepare(),
  };
}
const statements = (db: Sqlite) => {
  let s = prepared.get(db);
  if (!s) {
    s = prepare(db);
    prepared.set(db, s);
  }
  return s;
};

/** The voucher already posted for a document, if any. */
export function documentVoucherId(db: Sqlite, source: { kind: string; id: string }): number | undefined {
  return statements(db).lookup.get({ kind: source.kind, id: source.id })?.id;
}

/**
 * Posts one balanced voucher for a document, exactly once per (source.kind, source.id). Throws
 * ValidationError (bad input, naming the field), UnknownAccountError, UnbalancedDocumentError;
 * nothing is written then.
 */
export function postDocumentVoucher(
  db: Sqlite,
  input: DocumentVoucherInput,
  opts: {
    now?: () => Date;
    /** Charts and store companies read once for many vouchers in one transaction (a posting run). */
    cache?: DocumentCache;
  } = {},
): DocumentVoucherResult {
  const parsed = DocumentVoucherInput.safeParse(input);
  if (!parsed.success) throw fromZod(parsed.error);
  const doc = parsed.data;
  const at = (opts.now ?? (() => new Date()))().toISOString();
  const label = `${doc.source.kind} ${doc.source.id}`;
  let debitFen = 0;
  let creditFen = 0;
  for (const [i, l] of doc.lines.entries()) {
    if (l.debitFen > 0 && l.creditFen > 0)
      throw new ValidationError(`lines.${i}`, "a line is a debit or a credit, not both");
    if (l.debitFen === 0 && l.creditFen === 0) throw new ValidationError(`lines.${i}`, "a line of 0 fen");
    debitFen += l.debitFen;
    creditFen += l.creditFen;
    if (!Number.isSafeInteger(debitFen) || !Number.isSafeInteger(creditFen))
      throw new ValidationError(`lines.${i}`, "the voucher's total is beyond an exact integer number of fen");
  }
  if (debitFen !== creditFen) throw new UnbalancedDocumentError(label, debitFen, creditFen);

  return atomically(db, "document_voucher", () => {
    const existing = documentVoucherId(db, doc.source);
    if (existing !== undefined) return { id: existing, created: false };
    const cache = opts.cache;
    let companyId = cache?.companies.get(doc.storeId);
    if (companyId === undefined) {
      companyId = companyOfStore(db, doc.storeId);
      cache?.companies.set(doc.storeId, companyId);
    }
    let entry = cache?.charts.get(companyId);
    if (!entry) {
      const chart = chartOf(db, companyId, at);
      entry = { chart, parents: new Set([...chart.keys()].map(parentOf).filter((p) => p !== undefined)) };
      cache?.charts.set(companyId, entry);
    }
    const { chart, parents: leaves } = entry;
    for (const [i, l] of doc.lines.entries()) {
      const a = chart.get(l.account);
      const field = `lines.${i}.account`;
      if (!a) throw new UnknownAccountError(field, l.account, companyId, "is not in the chart of accounts");
      if (!a.active) throw new UnknownAccountError(field, l.account, companyId, "is inactive");
      if (leaves.has(l.account))
        throw new UnknownAccountError(field, l.account, companyId, "has sub-accounts: post to one of them");
    }
    const st = statements(db);
    const closed = new Set(st.closed.all().map((r) => r.p));
    const day = postingDay(doc.businessDay, closed);
    const memo =
      day.businessDay === doc.businessDay
        ? doc.memo
        : `${doc.memo} (补记: ${doc.businessDay}, period ${doc.businessDay.slice(0, 7)} closed)`;
    const { id } = st.insertVoucher.get({
      storeId: doc.storeId,
      businessDay: day.businessDay,
      sourceDay: doc.businessDay,
      postedAt: at,
      memo,
      debitFen,
      creditFen,
      sourceKind: doc.source.kind,
      sourceId: doc.source.id,
    })!;
    for (const [i, l] of doc.lines.entries())
      st.insertLine.run({
        voucherId: id,
        lineNo: i + 1,
        account: l.account,
        debitFen: l.debitFen,
        creditFen: l.creditFen,
      });
    return { id, created: true };
  });
}
