// The sales-day posting follows the company's posting rules (data an HQ admin edits): a tender
// account moved to a new sub-account posts there from then on, per company; names come from
// the chart.
import { afterEach, expect, test } from "bun:test";
import { createAccounts } from "../accounts/accounts.ts";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";
import { createFinance } from "./finance.ts";

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

function sale(db: Sqlite, storeId: string, saleId: string, kind: string, fen: number) {
  db.prepare(
    `INSERT INTO sales (store_id, sale_id, event_id, receipt_no, lane_id, cashier_id, shift_id, business_day,
      catalog_version, gross_fen, discount_fen, net_fen, tax_fen, completed_at)
     VALUES (?, ?, ?, 'R', 'L1', 'C1', 'SH1', '2026-11-20', 1, ?, 0, ?, 0, '2026-11-20T10:00:00+08:00')`,
  ).run(storeId, saleId, `ev-${saleId}`, fen, fen);
  db.prepare(
    "INSERT INTO tenders (store_id, doc_id, doc_kind, idx, kind, amount_fen) VALUES (?, ?, 'sale', 0, ?, ?)",
  ).run(storeId, saleId, kind, fen);
}

test("a sales day posts to the tender account its company's rule names; another company keeps the default", () => {
  const dir = tempDir();
  dirs.push(dir);
  const now = () => new Date("2026-11-20T12:00:00.000Z");
  const db = openDatabase({ dataDir: dir.path });
  migrate(db, now);
  for (const id of ["S1", "S2"])
    db.prepare(
      "INSERT INTO stores (id, name, region, ring, created_at) VALUES (?, ?, 'east', 'general', 'x')",
    ).run(id, id);
  const accounts = createAccounts({ db, now });
  accounts.putCompany("west", { name: "西部公司" });
  accounts.assignStore("west", "S2");
  accounts.putAccount(
    "default",
    "1012.03",
    { name: "其他货币资金—微信支付(服务商)", nameEn: "WeChat Pay (service provider)", side: "debit" },
    "admin",
  );
  accounts.putRule("default", "tender.wechat", { account: "1012.03" }, "admin");
  sale(db, "S1", "A", "wechat", 500);
  sale(db, "S2", "B", "wechat", 700);
  const finance = createFinance({ db, now });
  expect(finance.post().vouchers).toBe(2);
  const tb = finance.trialBalance({ from: "2026-11-20", to: "2026-11-20" }, {});
  expect(tb.rows.find((r) => r.account === "1012.03")).toEqual({
    account: "1012.03",
    name: "其他货币资金—微信支付(服务商)",
    debitFen: 500,
    creditFen: 0,
  });
  expect(tb.rows.find((r) => r.account === "1012.01")).toMatchObject({ debitFen: 700 });
  expect(tb.debitFen).toBe(tb.creditFen);
  expect(finance.post().vouchers).toBe(0);
});
