// Payment reconciliation at HQ (issue 16 item 4): a settlement file is read (wechat-bill.ts,
// alipay-bill.ts, bank-statement.ts), matched (match.ts, bank-match.ts) and stored as a run
// with one item per file line and per HQ tender, in one transaction. A wallet run's per-store
// settlement is posted to the books on request (post.ts).
import { createHash } from "node:crypto";
import { and, asc, desc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { reconItems, reconRuns } from "../db/schema.ts";
import { NotFoundError, StateError, ValidationError } from "../errors.ts";
import { parseAlipayBill } from "./alipay-bill.ts";
import { type ExpectedSettlement, matchBank } from "./bank-match.ts";
import { decodeStatementBytes, parseBankStatement } from "./bank-statement.ts";
import { BillFormatError, type Provider, type RowProblem } from "./bill.ts";
import { createHqTenders } from "./hq-tenders.ts";
import {
  DIFFERENCES,
  type MatchItem,
  matchSettlement,
  parseRatePercent,
  type StoreSettlement,
} from "./match.ts";
import { postSettlement } from "./post.ts";
import type { ItemReason } from "./reason.ts";
import { parseWechatBill } from "./wechat-bill.ts";

export const Day = z.iso.date({ message: "a date YYYY-MM-DD" });
export const ReconSource = z.enum(["wechat", "alipay", "bank"]);
export type ReconSource = z.infer<typeof ReconSource>;

export const ImportQuery = z.object({
  source: ReconSource,
  date: Day,
  file: z.string().max(200).optional(),
  /** Only documents completed up to this moment were expected in the file (a day not over yet). */
  until: z.iso.datetime({ offset: true }).optional(),
  /** The contracted fee rate in percent ("0.38"): each matched entry's fee is checked against it. */
  feeRate: z
    .string()
    .refine((v) => parseRatePercent(v) !== undefined, "a percent like 0.38 (at most 4 decimals)")
    .optional(),
});
export type ImportQuery = z.infer<typeof ImportQuery>;

export interface RunSummary {
  id: number;
  source: ReconSource;
  billDate: string;
  fileName: string;
  /** The day was not over: documents completed after this were not expected (not postable). */
  until: string | null;
  importedAt: string;
  importedBy: string;
  entries: number;
  badRows: number;
  differences: number;
  paymentsFen: number;
  refundsFen: number;
  feesFen: number;
  netFen: number;
  settlement: StoreSettlement[];
  postedAt: string | null;
  vouchers: number[];
}

/** A stored item; `why` is null on items stored before reasons were kept as data. */
export type ReconItem = Omit<MatchItem, "settledFen" | "why"> & {
  id: number;
  why: ItemReason | null;
  raw: string | null;
};

const RAW_MAX = 2000;

export function createReconciliation(deps: {
  db: Sqlite;
  now: () => Date;
  /** The chain's merchant accounts per wallet (config walletMerchants): entries of others are flagged. */
  merchants?: Partial<Record<Provider, readonly string[]>> | undefined;
}) {
  const { db } = deps;
  const orm = openDrizzle(db);

  const hqTenders = createHqTenders(orm);

  function store(
    q: ImportQuery,
    bytes: Uint8Array,
    actor: string,
    items: MatchItem[],
    problems: RowProblem[],
    totals: Pick<RunSummary, "entries" | "paymentsFen" | "refundsFen" | "feesFen" | "netFen">,
    settlement: StoreSettlement[],
  ): RunSummary {
    const rawOf = new Map(problems.map((p) => [p.row, p.raw.slice(0, RAW_MAX)]));
    const id = db.transaction(() => {
      const run = orm
        .insert(reconRuns)
        .values({
          source: q.source,
          billDate: q.date,
          fileName: q.file ?? `${q.source}-${q.date}.csv`,
          fileSha256: createHash("sha256").update(bytes).digest("hex"),
          until: q.until ?? null,
          importedAt: deps.now().toISOString(),
          importedBy: actor,
          badRows: problems.length,
          differences: items.filter((i) => DIFFERENCES.has(i.status)).length,
          settlement: JSON.stringify(settlement),
          ...totals,
        })
        .returning({ id: reconRuns.id })
        .get();
      const rows = items.map((i) => ({
        runId: run.id,
        status: i.status,
        kind: i.kind,
        transactionId: i.transactionId,
        refundId: i.refundId,
        storeId: i.storeId,
        docKind: i.docKind,
        docId: i.docId,
        fileFen: i.fileFen,
        hqFen: i.hqFen,
        feeFen: i.feeFen,
        row: i.row,
        column: i.column,
        reason: i.reason,
        why: JSON.stringify(i.why),
        raw: i.status === "bad_row" && i.row !== null ? (rawOf.get(i.row) ?? null) : null,
      }));
      for (let at = 0; at < rows.length; at += 500)
        orm
          .insert(reconItems)
          .values(rows.slice(at, at + 500))
          .run();
      return run.id;
    })();
    return run(id);
  }

  function read(bytesOrText: Uint8Array, q: ImportQuery) {
    try {
      if (q.source === "bank") return { bank: parseBankStatement(bytesOrText) };
      // WeChat's download is UTF-8; a copy re-saved by Excel on a Chinese Windows is GBK.
      const bill =
        q.source === "wechat"
          ? parseWechatBill(decodeStatementBytes(bytesOrText))
          : parseAlipayBill(bytesOrText);
      return { bill };
    } catch (e) {
      if (e instanceof BillFormatError)
        throw new ValidationError(e.field === "file" ? "body" : e.field, e.message);
      throw e;
    }
  }

  /** Imports one settlement file: parsed, matched, stored as a run. */
  function importFile(q: ImportQuery, bytes: Uint8Array, actor: string): RunSummary {
    if (!bytes.length) throw new ValidationError("body", "the file is empty");
    const r = read(bytes, q);
    if (r.bank) {
      const expected = expectedSettlements(q.date);
      const items = matchBank(r.bank.lines, r.bank.problems, expected);
      const credits = r.bank.lines.filter((l) => l.amountFen > 0).reduce((s, l) => s + l.amountFen, 0);
      return store(
        q,
        bytes,
        actor,
        items,
        r.bank.problems,
        { entries: r.bank.lines.length, paymentsFen: credits, refundsFen: 0, feesFen: 0, netFen: credits },
        [],
      );
    }
    const bill = r.bill!;
    const provider = q.source as Provider;
    const feeRatePpm = q.feeRate === undefined ? undefined : parseRatePercent(q.feeRate);
    const m = matchSettlement(provider, bill.entries, bill.problems, hqTenders(provider, q.date, q.until), {
      ...(feeRatePpm === undefined ? {} : { feeRatePpm }),
      ...(deps.merchants?.[provider] ? { merchants: deps.merchants[provider] } : {}),
    });
    const { differences: _, ...totals } = m.totals;
    return store(
      q,
      bytes,
      actor,
      m.items,
      bill.problems,
      { entries: bill.entries.length, ...totals },
      m.stores,
    );
  }

  /** The latest wallet run of each provider for the days a statement dated `day` may pay out. */
  function expectedSettlements(day: string): ExpectedSettlement[] {
    const from = new Date(Date.parse(`${day}T00:00:00Z`) - 10 * 86_400_000).toISOString().slice(0, 10);
    const rows = orm
      .select({
        id: reconRuns.id,
        source: reconRuns.source,
        billDate: reconRuns.billDate,
        netFen: reconRuns.netFen,
      })
      .from(reconRuns)
      .where(and(inArray(reconRuns.source, ["wechat", "alipay"]), lte(reconRuns.billDate, day)))
      .orderBy(desc(reconRuns.id))
      .all()
      .filter((r) => r.billDate >= from);
    const latest = new Map<string, ExpectedSettlement>();
    for (const r of rows)
      if (!latest.has(`${r.source}:${r.billDate}`))
        latest.set(`${r.source}:${r.billDate}`, {
          provider: r.source as Provider,
          billDate: r.billDate,
          netFen: r.netFen,
        });
    return [...latest.values()].sort((a, b) => a.billDate.localeCompare(b.billDate));
  }

  function toSummary(r: typeof reconRuns.$inferSelect): RunSummary {
    return {
      id: r.id,
      source: r.source as ReconSource,
      billDate: r.billDate,
      fileName: r.fileName,
      until: r.until,
      importedAt: r.importedAt,
      importedBy: r.importedBy,
      entries: r.entries,
      badRows: r.badRows,
      differences: r.differences,
      paymentsFen: r.paymentsFen,
      refundsFen: r.refundsFen,
      feesFen: r.feesFen,
      netFen: r.netFen,
      settlement: JSON.parse(r.settlement) as StoreSettlement[],
      postedAt: r.postedAt,
      vouchers: r.vouchers ? (JSON.parse(r.vouchers) as number[]) : [],
    };
  }

  function run(id: number): RunSummary {
    const r = orm.select().from(reconRuns).where(eq(reconRuns.id, id)).get();
    if (!r) throw new NotFoundError("reconciliation run", String(id));
    return toSummary(r);
  }

  function runs(q: { from?: string; to?: string; limit?: number }): RunSummary[] {
    const where: SQL[] = [];
    if (q.from) where.push(gte(reconRuns.billDate, q.from));
    if (q.to) where.push(lte(reconRuns.billDate, q.to));
    return orm
      .select()
      .from(reconRuns)
      .where(and(...where))
      .orderBy(desc(reconRuns.billDate), desc(reconRuns.id))
      .limit(Math.min(q.limit ?? 100, 500))
      .all()
      .map(toSummary);
  }

  function items(id: number, q: { differencesOnly?: boolean }): ReconItem[] {
    run(id);
    const rows = orm
      .select()
      .from(reconItems)
      .where(eq(reconItems.runId, id))
      .orderBy(asc(reconItems.id))
      .all();
    return rows
      .filter((i) => !q.differencesOnly || DIFFERENCES.has(i.status as MatchItem["status"]))
      .map(
        ({ runId: _, why, ...i }) =>
          ({ ...i, why: why ? (JSON.parse(why) as ItemReason) : null }) as ReconItem,
      );
  }

  /** Posts a wallet run's per-store settlement (one voucher per wallet, day and store). */
  function post(id: number, actor: string): RunSummary {
    const r = run(id);
    if (r.source === "bank") throw new StateError(String(id), "a bank statement run has nothing to post");
    if (r.postedAt) return r;
    // Each store-day posts once: a part of a day posted would keep the rest out for good.
    if (r.until)
      throw new StateError(
        String(id),
        `run ${id} covers ${r.billDate} only until ${r.until}: import the whole day's file to post it`,
      );
    // A later run of the same day posts nothing new: each store-day's voucher exists once.
    db.transaction(() => {
      const ids = r.settlement
        .map((s) =>
          postSettlement(db, { provider: r.source as Provider, billDate: r.billDate, store: s }, deps.now),
        )
        .filter((v): v is number => v !== undefined);
      orm
        .update(reconRuns)
        .set({ postedAt: deps.now().toISOString(), postedBy: actor, vouchers: JSON.stringify(ids) })
        .where(eq(reconRuns.id, id))
        .run();
    })();
    return run(id);
  }

  return { importFile, runs, run, items, post, hqTenders };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;
