// The settlement voucher's lines (pure): balanced whatever the signs (a day of more refunds
// than payments sends money back from the bank; fees given back are a credit).
import { expect, test } from "bun:test";
import { settlementLines } from "./post.ts";

const accounts = { bank: "1002", fee: "6603.01", clearing: "1012.02" };
const balanced = (ls: { debitFen: number; creditFen: number }[]) =>
  ls.reduce((s, l) => s + l.debitFen, 0) === ls.reduce((s, l) => s + l.creditFen, 0);

test("a normal day: Dr bank + Dr fee / Cr clearing", () => {
  const ls = settlementLines(accounts, { storeId: "S1", clearedFen: 10_000, feeFen: 38, bankFen: 9_962 });
  expect(ls).toEqual([
    { account: "1002", debitFen: 9_962, creditFen: 0 },
    { account: "6603.01", debitFen: 38, creditFen: 0 },
    { account: "1012.02", debitFen: 0, creditFen: 10_000 },
  ]);
  expect(balanced(ls)).toBe(true);
});

test("more refunds than payments, fees given back: the signs turn, still balanced, no zero lines", () => {
  const ls = settlementLines(accounts, { storeId: "S1", clearedFen: -500, feeFen: -2, bankFen: -498 });
  expect(ls).toEqual([
    { account: "1002", debitFen: 0, creditFen: 498 },
    { account: "6603.01", debitFen: 0, creditFen: 2 },
    { account: "1012.02", debitFen: 500, creditFen: 0 },
  ]);
  expect(settlementLines(accounts, { storeId: "S1", clearedFen: 100, feeFen: 0, bankFen: 100 }).length).toBe(
    2,
  );
});
