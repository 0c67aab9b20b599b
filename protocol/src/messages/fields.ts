// Field schemas shared by the message schemas of every domain (not part of the public index).
import { z } from "zod";
import { MAX_SHIFT_FEN, MAX_STOCK_QTY, MONEY_CAPS } from "../money-caps.ts";
import { STORE_ID_RE } from "../topics.ts";

// Every amount and quantity has a ceiling (money-caps.ts says why and how much), so no sum HQ
// keeps can leave the exact integer range.
export const capped = (cap: number, what: string) => ({
  message: `exceeds the protocol cap of ${cap}${what}`,
});
export const fenMax = (cap: number) => capped(cap, ` fen (¥${cap / 100})`);
/** A sale-level amount (totals, tenders, a sale's audit amount). */
export const SaleFen = z.int().nonnegative().max(MONEY_CAPS.saleFen, fenMax(MONEY_CAPS.saleFen));
export const LineFen = z.int().nonnegative().max(MONEY_CAPS.lineFen, fenMax(MONEY_CAPS.lineFen));
export const UnitPriceFen = z
  .int()
  .nonnegative()
  .max(MONEY_CAPS.unitPriceFen, fenMax(MONEY_CAPS.unitPriceFen));
export const ShiftFen = z.int().nonnegative().max(MAX_SHIFT_FEN, fenMax(MAX_SHIFT_FEN));
export const LineQty = z.int().positive().max(MONEY_CAPS.qty, capped(MONEY_CAPS.qty, ""));
/** A store-day's sums (day.digest): a safe integer; HQ compares them, it never adds them up. */
export const FenNonNeg = z.int().nonnegative();
export const StockQty = z.int().min(-MAX_STOCK_QTY).max(MAX_STOCK_QTY, capped(MAX_STOCK_QTY, ""));
export const Id = z.string().min(1).max(64);
export const StoreId = z.string().regex(STORE_ID_RE, "store id: 1-16 upper-case letters or digits");
export const LaneId = z.string().regex(/^[0-9]{1,2}$/, "lane: 1-2 digits");
export const CashierCode = z.string().regex(/^\d{3,8}$/, "cashier code: 3-8 digits");
export const BusinessDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "business day: YYYY-MM-DD");
/** `points`: member points redeemed as a tender (积分抵现, protocol/src/points.ts). */
export const TenderKind = z.enum(["cash", "card", "wechat", "alipay", "voucher", "points"]);
