// postDocumentVoucher: one balanced voucher per document, exactly once, inside or outside the
// caller's transaction; hostile input refused naming the field, nothing written.
import { afterEach, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { saveAccount } from "../accounts/storage.ts";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { ValidationError } from "../errors.ts";
import { tempDir } from "../test-kit.ts";
import {
  type DocumentVoucherInput,
  documentVoucherId,
  postDocumentVoucher,
  UnbalancedDocumentError,
  UnknownAccountError,
} from "./documents.ts";
import { createFinance } from "./finance.ts";

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

function setup() {
  const dir = tempDir();
  dirs.push(dir);
  let t = Date.parse("2026-11-25T02:00:00.000Z");
  const now = () => {
    t += 1000;
    return new Date(t);
  };
  const db = openDatabase({ dataDir: dir.path });
  migrate(db, now);
  return { db, now, dir };
}

const count = (db: Sqlite, table = "vouchers") =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

/** An invoice of 113.00 yuan: goods 100.00 against GRNI, VAT 13.00, payable 113.00. */
const invoice = (id = "INV-1", over: Partial<DocumentVoucherInput> = {}): DocumentVoucherInput => ({
  storeId: "S1",
  businessDay: "2026-11-20",
  source: { kind: "invoice", id },
  memo: `供应商发票 ${id}`,
  lines: [
    { account: "2202.02", debitFen: 10000, creditFen: 0 },
    { account: "2221.01.02", debitFen: 1300, creditFen: 0 },
    { account: "2202.01", debitFen: 0, creditFen: 11300 },
  ],
  ...over,
});

describe("postDocumentVoucher", () => {
  test("posts one balanced voucher with its lines, and a second call for the same document posts nothing", () => {
    const { db, now } = setup();
    const first = postDocumentVoucher(db, invoice(), { now });
    expect(first.created).toBe(true);
    const v = db.prepare("SELECT * FROM vouchers WHERE id = ?").get(first.id) as Record<string, unknown>;
    expect(v).toMatchObject({
      store_id: "S1",
      business_day: "2026-11-20",
      source_day: "2026-11-20",
      debit_fen: 11300,
      credit_fen: 11300,
      source_kind: "invoice",
      source_id: "INV-1",
      memo: "供应商发票 INV-1",
    });
    const lines = db
      .prepare(
        "SELECT line_no, account, debit_fen, credit_fen FROM voucher_lines WHERE voucher_id = ? ORDER BY line_no",
      )
      .all(first.id);
    expect(lines).toEqual([
      { line_no: 1, account: "2202.02", debit_fen: 10000, credit_fen: 0 },
      { line_no: 2, account: "2221.01.02", debit_fen: 1300, credit_fen: 0 },
      { line_no: 3, account: "2202.01", debit_fen: 0, credit_fen: 11300 },
    ]);
    // The same document again, even with other amounts: the first voucher's id, nothing new.
    const again = postDocumentVoucher(
      db,
      invoice("INV-1", {
        lines: [
          { account: "2202.02", debitFen: 1, creditFen: 0 },
          { account: "2202.01", debitFen: 0, creditFen: 1 },
        ],
      }),
      { now },
    );
    expect(again).toEqual({ id: first.id, created: false });
    expect(count(db)).toBe(1);
    expect(count(db, "voucher_lines")).toBe(3);
    // Another kind with the same id is another document.
    const payment = postDocumentVoucher(db, invoice("INV-1", { source: { kind: "payment", id: "INV-1" } }), {
      now,
    });
    expect(payment.created).toBe(true);
    expect(payment.id).not.toBe(first.id);
    expect(documentVoucherId(db, { kind: "payment", id: "INV-1" })).toBe(payment.id);
  });

  test("the unique index refuses a second voucher for a document even written around the function", () => {
    const { db, now } = setup();
    postDocumentVoucher(db, invoice(), { now });
    expect(() =>
      db
        .prepare(
          "INSERT INTO vouchers (store_id, business_day, source_day, posted_at, memo, debit_fen, credit_fen, source_kind, source_id) VALUES ('S1','2026-11-20','2026-11-20','x','x',0,0,'invoice','INV-1')",
        )
        .run(),
    ).toThrow(/UNIQUE/);
  });

  test("unbalanced: a typed error with both totals, nothing written", () => {
    const { db, now } = setup();
    const bad = invoice("INV-2", {
      lines: [
        { account: "2202.02", debitFen: 10000, creditFen: 0 },
        { account: "2202.01", debitFen: 0, creditFen: 9999 },
      ],
    });
    let err: unknown;
    try {
      postDocumentVoucher(db, bad, { now });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnbalancedDocumentError);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as UnbalancedDocumentError).debitFen).toBe(10000);
    expect((err as UnbalancedDocumentError).creditFen).toBe(9999);
    expect((err as Error).message).toContain("invoice INV-2");
    expect(count(db)).toBe(0);
    // Refused does not mean posted: the document can be posted once it is right.
    expect(postDocumentVoucher(db, invoice("INV-2"), { now }).created).toBe(true);
  });

  test("unknown, inactive or non-leaf accounts: a typed error naming the line and the account", () => {
    const { db, now } = setup();
    const withAccount = (account: string) =>
      invoice("INV-3", {
        lines: [
          { account: "2202.02", debitFen: 500, creditFen: 0 },
          { account, debitFen: 0, creditFen: 500 },
        ],
      });
    const failure = (account: string) => {
      try {
        postDocumentVoucher(db, withAccount(account), { now });
      } catch (e) {
        return e as UnknownAccountError;
      }
      throw new Error("posted");
    };
    const unknown = failure("9999");
    expect(unknown).toBeInstanceOf(UnknownAccountError);
    expect(unknown.field).toBe("lines.1.account");
    expect(unknown.account).toBe("9999");
    expect(unknown.companyId).toBe("default");
    expect(unknown.message).toContain("not in the chart");
    expect(failure("2221").message).toContain("has sub-accounts"); // 应交税费 has 2221.01...
    expect(failure("1405; DROP TABLE vouchers").account).toBe("1405; DROP TABLE vouchers");
    saveAccount(
      db,
      "default",
      {
        code: "6711",
        name: "营业外支出",
        nameEn: "x",
        category: "profit_loss",
        side: "debit",
        active: false,
      },
      "t",
      "t",
    );
    expect(failure("6711").message).toContain("inactive");
    expect(count(db)).toBe(0);
  });

  test("hostile input is refused naming the field, nothing written", () => {
    const { db, now } = setup();
    const l = (debitFen: number, creditFen: number, account = "1405") => ({ account, debitFen, creditFen });
    const cases: [Partial<DocumentVoucherInput> | Record<string, unknown>, string][] = [
      [{ lines: [l(-100, 0), l(0, -100)] }, "lines.0.debitFen"],
      [{ lines: [l(12.5, 0), l(0, 12.5)] }, "lines.0.debitFen"],
      [{ lines: [l(Number.NaN, 0), l(0, 1)] }, "lines.0.debitFen"],
      [{ lines: [l(2 ** 53, 0), l(0, 2 ** 53)] }, "lines.0.debitFen"],
      [{ lines: [l(Number.MAX_SAFE_INTEGER, 0), l(Number.MAX_SAFE_INTEGER, 0), l(0, 1)] }, "lines.1"],
      [{ lines: [l(100, 100), l(0, 0)] }, "lines.0"],
      [{ lines: [l(100, 0), l(0, 0), l(0, 100)] }, "lines.1"],
      [{ lines: [l(0, 0)] }, "lines"],
      [{ lines: [] }, "lines"],
      [{ lines: Array.from({ length: 1001 }, (_, i) => l(i % 2 ? 0 : 1, i % 2 ? 1 : 0)) }, "lines"],
      [{ businessDay: "2026-02-30" }, "businessDay"],
      [{ businessDay: "20261120" }, "businessDay"],
      [{ source: { kind: "Invoice Draft", id: "X" } }, "source.kind"],
      [{ source: { kind: "invoice'--", id: "X" } }, "source.kind"],
      [{ source: { kind: "invoice", id: "" } }, "source.id"],
      [{ source: { kind: "invoice", id: "x".repeat(201) } }, "source.id"],
      [{ source: { kind: "invoice", id: "A\u0000B" } }, "source.id"],
      [{ memo: "line\nbreak" }, "memo"],
      [{ memo: "长".repeat(201) }, "memo"],
      [{ storeId: "" }, "storeId"],
      [{ source: undefined }, "source"],
    ];
    for (const [over, field] of cases) {
      let err: unknown;
      try {
        postDocumentVoucher(db, { ...invoice("H"), ...over } as DocumentVoucherInput, { now });
      } catch (e) {
        err = e;
      }
      expect(err, `${JSON.stringify(over).slice(0, 80)}`).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe(field);
    }
    expect(count(db)).toBe(0);
  });

  test("inside the caller's transaction: commits and rolls back with it; its own failure leaves the caller's work", () => {
    const { db, now } = setup();
    db.exec("CREATE TABLE invoices (id TEXT PRIMARY KEY)");
    // Caller rolls back: neither the document nor its voucher exist.
    expect(() =>
      db.transaction(() => {
        db.prepare("INSERT INTO invoices VALUES ('INV-9')").run();
        postDocumentVoucher(db, invoice("INV-9"), { now });
        throw new Error("caller failed after posting");
      })(),
    ).toThrow("caller failed");
    expect(count(db)).toBe(0);
    expect(count(db, "invoices")).toBe(0);
    // The voucher fails inside the caller's transaction: the caller can catch it and go on.
    const r = db.transaction(() => {
      db.prepare("INSERT INTO invoices VALUES ('INV-9')").run();
      expect(() => postDocumentVoucher(db, invoice("INV-8", { lines: [l1(5), l2(4)] }), { now })).toThrow(
        UnbalancedDocumentError,
      );
      expect(() =>
        postDocumentVoucher(db, invoice("INV-8", { lines: [l1(5), { ...l2(5), account: "nope" }] }), { now }),
      ).toThrow(UnknownAccountError);
      return postDocumentVoucher(db, invoice("INV-9"), { now });
    })();
    expect(r.created).toBe(true);
    expect(count(db)).toBe(1);
    expect(count(db, "invoices")).toBe(1);
    expect(db.inTransaction).toBe(false);
  });

  test("a closed month is never written into: the voucher goes to the next open month, naming its day", () => {
    const { db, now } = setup();
    const finance = createFinance({ db, now });
    finance.closePeriod("2026-11", "auditor");
    const { id } = postDocumentVoucher(db, invoice("LATE"), { now });
    const v = db
      .prepare("SELECT business_day, source_day, memo FROM vouchers WHERE id = ?")
      .get(id) as Record<string, string>;
    expect(v.business_day).toBe("2026-12-01");
    expect(v.source_day).toBe("2026-11-20");
    expect(v.memo).toContain("2026-11-20");
  });

  test("the sales posting of the same store-day leaves a document's voucher alone", () => {
    const { db, now } = setup();
    const finance = createFinance({ db, now });
    postDocumentVoucher(
      db,
      {
        storeId: "S1",
        businessDay: "2026-11-20",
        source: { kind: "cogs", id: "S1/2026-11-20" },
        memo: "销售成本",
        lines: [
          { account: "6401", debitFen: 700, creditFen: 0 },
          { account: "1405", debitFen: 0, creditFen: 700 },
        ],
      },
      { now },
    );
    db.prepare(
      `INSERT INTO sales (store_id, sale_id, event_id, receipt_no, lane_id, cashier_id, shift_id, business_day,
        catalog_version, gross_fen, discount_fen, net_fen, tax_fen, completed_at)
       VALUES ('S1','SALE-1','E1','R1','L1','C1','SH1','2026-11-20',1,1130,0,1130,130,'2026-11-20T10:00:00Z')`,
    ).run();
    db.prepare(
      "INSERT INTO tenders (store_id, doc_id, doc_kind, idx, kind, amount_fen) VALUES ('S1','SALE-1','sale',0,'cash',1130)",
    ).run();
    expect(finance.post().vouchers).toBe(1);
    expect(finance.post().vouchers).toBe(0);
    const tb = finance.trialBalance({ from: "2026-11-20", to: "2026-11-20" }, {});
    const row = (a: string) => tb.rows.find((r) => r.account === a);
    expect(row("6401")).toMatchObject({ debitFen: 700, creditFen: 0 });
    expect(row("1405")).toMatchObject({ debitFen: 0, creditFen: 700 });
    expect(row("1001")).toMatchObject({ debitFen: 1130, creditFen: 0 });
    expect(row("6001")).toMatchObject({ debitFen: 0, creditFen: 1000 });
    expect(tb.debitFen).toBe(tb.creditFen);
  });

  test("model: random posts and replays over a few documents give one balanced voucher per document posted", () => {
    const { db, now } = setup();
    const doc = fc.record({
      id: fc.constantFrom("A", "B", "C", "D"),
      kind: fc.constantFrom("invoice", "payment"),
      amount: fc.integer({ min: 2, max: 1_000_000 }),
      skew: fc.constantFrom(0, 0, 0, 1),
      inTx: fc.boolean(),
      rollback: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 30 }), (steps) => {
        const model = new Map<string, number>();
        const base = count(db);
        const baseIds = new Set(
          (
            db.prepare("SELECT source_kind || ' ' || source_id AS k FROM vouchers").all() as { k: string }[]
          ).map((r) => r.k),
        );
        for (const s of steps) {
          const key = `${s.kind} ${s.id}`;
          const input = invoice(s.id, {
            source: { kind: s.kind, id: `${s.id}` },
            lines: [l1(s.amount), l2(s.amount - s.skew)],
          });
          const run = () => postDocumentVoucher(db, input, { now });
          let result: { id: number; created: boolean } | undefined;
          try {
            if (!s.inTx) result = run();
            else {
              try {
                db.transaction(() => {
                  result = run();
                  if (s.rollback) throw new Error("rollback");
                })();
              } catch (e) {
                if ((e as Error).message !== "rollback") throw e;
                result = undefined;
              }
            }
          } catch (e) {
            expect(e).toBeInstanceOf(UnbalancedDocumentError);
            expect(s.skew).toBe(1);
            continue;
          }
          if (!result) continue;
          const known =
            model.get(key) ??
            (baseIds.has(key) ? documentVoucherId(db, { kind: s.kind, id: s.id }) : undefined);
          if (known !== undefined) expect(result).toEqual({ id: known, created: false });
          else expect(result.created).toBe(true);
          model.set(key, result.id);
          baseIds.add(key);
        }
        const unbalanced = db
          .prepare("SELECT COUNT(*) AS n FROM vouchers WHERE debit_fen != credit_fen")
          .get() as { n: number };
        expect(unbalanced.n).toBe(0);
        const perDoc = db
          .prepare(
            "SELECT COUNT(*) AS n FROM vouchers WHERE source_kind IS NOT NULL GROUP BY source_kind, source_id HAVING n > 1",
          )
          .all();
        expect(perDoc).toEqual([]);
        expect(count(db)).toBe(baseIds.size);
        expect(count(db)).toBeGreaterThanOrEqual(base);
      }),
      { numRuns: 60 },
    );
  });
});

const l1 = (fen: number) => ({ account: "1405", debitFen: fen, creditFen: 0 });
const l2 = (fen: number) => ({ account: "2202.02", debitFen: 0, creditFen: fen });
