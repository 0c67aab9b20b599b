// Voucher export: a company's vouchers dated from..to, in the import format of Kingdee (金蝶),
// Yonyou (用友) or as plain CSV / XLSX (formats.ts), with the accounts' names from the company's
// chart. Each export is recorded (voucher_exports) for the month-end checklist.
import { and, asc, between, desc, eq, inArray, notInArray } from "drizzle-orm";
import { chartOf, DEFAULT_COMPANY } from "../accounts/storage.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { companies, companyStores, voucherExports, voucherLines, vouchers } from "../db/schema.ts";
import { NotFoundError, StateError, ValidationError } from "../errors.ts";
import { nextPeriodStart } from "../finance/ledger.ts";
import { csv, type ExportFormat, type ExportVoucher, kingdeeRows, plainRows, yonyouText } from "./formats.ts";
import { encodeGbk } from "./gbk.ts";
import { xlsx } from "./xlsx.ts";

const enc = new TextEncoder();
const MAX_DAYS = 370;

export function createVoucherExport(deps: { db: Sqlite; now: () => Date }) {
  const { db, now } = deps;
  const orm = openDrizzle(db);

  /** The stores of a company: assigned ones, or for "default" every store not assigned elsewhere. */
  function inCompany(companyId: string) {
    const assigned = orm.select({ s: companyStores.storeId }).from(companyStores);
    return companyId === DEFAULT_COMPANY
      ? notInArray(vouchers.storeId, assigned.where(notInArray(companyStores.companyId, [DEFAULT_COMPANY])))
      : inArray(vouchers.storeId, assigned.where(eq(companyStores.companyId, companyId)));
  }

  /** The company's vouchers dated from..to with their lines and numbers (per company and month, by id). */
  function read(q: { from: string; to: string; company: string }): ExportVoucher[] {
    if (q.from > q.to) throw new ValidationError("query.to", `must not be before from (${q.from})`);
    const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
    if (days > MAX_DAYS) throw new ValidationError("query.to", `at most ${MAX_DAYS} days per export`);
    if (
      !orm.select({ id: companies.id }).from(companies).where(eq(companies.id, q.company)).get() &&
      q.company !== DEFAULT_COMPANY
    )
      throw new NotFoundError("company", q.company);
    return db.transaction(() => {
      const chart = chartOf(db, q.company, now().toISOString());
      // Numbers count from the first voucher of each month, so a part-month export keeps them.
      const monthStart = `${q.from.slice(0, 7)}-01`;
      const monthEnd = nextPeriodStart(q.to.slice(0, 7));
      const heads = orm
        .select({
          id: vouchers.id,
          storeId: vouchers.storeId,
          businessDay: vouchers.businessDay,
          sourceDay: vouchers.sourceDay,
          sourceKind: vouchers.sourceKind,
          sourceId: vouchers.sourceId,
          memo: vouchers.memo,
          debitFen: vouchers.debitFen,
        })
        .from(vouchers)
        .where(and(between(vouchers.businessDay, monthStart, monthEnd), inCompany(q.company)))
        .orderBy(asc(vouchers.id))
        .all()
        .filter((v) => v.businessDay < monthEnd);
      const counter = new Map<string, number>();
      const out: ExportVoucher[] = [];
      const byId = new Map<number, ExportVoucher>();
      for (const h of heads) {
        const month = h.businessDay.slice(0, 7);
        const number = (counter.get(month) ?? 0) + 1;
        counter.set(month, number);
        if (h.businessDay < q.from || h.businessDay > q.to) continue;
        const v: ExportVoucher = { ...h, number, companyId: q.company, lines: [] };
        out.push(v);
        byId.set(h.id, v);
      }
      if (out.length)
        for (const l of orm
          .select({
            voucherId: voucherLines.voucherId,
            account: voucherLines.account,
            debitFen: voucherLines.debitFen,
            creditFen: voucherLines.creditFen,
          })
          .from(voucherLines)
          .innerJoin(vouchers, eq(vouchers.id, voucherLines.voucherId))
          .where(and(between(vouchers.businessDay, q.from, q.to), inCompany(q.company)))
          .orderBy(asc(voucherLines.voucherId), asc(voucherLines.lineNo))
          .all())
          byId.get(l.voucherId)?.lines.push({
            account: l.account,
            accountName: chart.get(l.account)?.name ?? l.account,
            debitFen: l.debitFen,
            creditFen: l.creditFen,
          });
      // Nothing unbalanced leaves the hub (the tables refuse it already; this names it if not).
      for (const v of out) {
        const d = v.lines.reduce((n, l) => n + l.debitFen, 0);
        const c = v.lines.reduce((n, l) => n + l.creditFen, 0);
        if (d !== c || v.lines.length === 0)
          throw new StateError(String(v.id), `voucher ${v.id} is unbalanced (debits ${d}, credits ${c} fen)`);
      }
      return out;
    })();
  }

  /** The export file; recorded as exported by `actor`. */
  function exportVouchers(
    q: { from: string; to: string; company: string; format: ExportFormat },
    actor: string,
  ) {
    const list = read(q);
    const base = `vouchers-${q.company}-${q.from}-${q.to}`;
    let file: { filename: string; contentType: string; bytes: Uint8Array };
    switch (q.format) {
      case "kingdee":
        file = {
          filename: `${base}-kingdee.xlsx`,
          contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          bytes: xlsx("凭证", kingdeeRows(list, preparerName(actor))),
        };
        break;
      case "yonyou":
        file = {
          filename: `${base}-yonyou.txt`,
          contentType: "text/plain; charset=GBK",
          bytes: encodeGbk(yonyouText(list)).bytes,
        };
        break;
      case "csv":
        file = {
          filename: `${base}.csv`,
          contentType: "text/csv; charset=utf-8",
          bytes: enc.encode(csv(plainRows(list))),
        };
        break;
      case "xlsx":
        file = {
          filename: `${base}.xlsx`,
          contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          bytes: xlsx("vouchers", plainRows(list)),
        };
        break;
    }
    const summary = {
      vouchers: list.length,
      lines: list.reduce((n, v) => n + v.lines.length, 0),
      debitFen: list.reduce((n, v) => n + v.lines.reduce((m, l) => m + l.debitFen, 0), 0),
      maxVoucherId: list.reduce((n, v) => Math.max(n, v.id), 0),
    };
    orm
      .insert(voucherExports)
      .values({
        companyId: q.company,
        fromDay: q.from,
        toDay: q.to,
        format: q.format,
        ...summary,
        exportedBy: actor,
        exportedAt: now().toISOString(),
      })
      .run();
    return { ...file, ...summary };
  }

  /** Past exports, newest first. */
  function history(company?: string, limit = 50) {
    return orm
      .select()
      .from(voucherExports)
      .where(company ? eq(voucherExports.companyId, company) : undefined)
      .orderBy(desc(voucherExports.id))
      .limit(limit)
      .all();
  }

  return { read, exportVouchers, history };
}

/** 制单人 in the packages is a short name: the actor's name without its role suffix. */
const preparerName = (actor: string) => [...actor].slice(0, 20).join("");

export type VoucherExport = ReturnType<typeof createVoucherExport>;
