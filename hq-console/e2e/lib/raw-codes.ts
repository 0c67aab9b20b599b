// Issue 19 item 6: a zh-CN screen shows words, never the codes the hub stores. `rawCodesOn`
// reads the text a user sees in <main> (not inputs' values, ids or attributes) and answers the
// known enum values found as whole words, so a screen that prints "supervisor" or "multi_buy"
// in zh-CN mode fails its test.
import type { Page } from "playwright-core";

/** Enum values the hub stores that must be words in zh-CN (roles, statuses, kinds, tiers...). */
export const KNOWN_CODES = [
  // cashier roles and record statuses
  "cashier",
  "supervisor",
  "manager",
  "active",
  "inactive",
  // coupon, change-set and enrollment states
  "issued",
  "redeemed",
  "void",
  "draft",
  "pilot",
  "general",
  "released",
  "rolled_back",
  "pending",
  "enrolled",
  "revoked",
  // promotion kinds
  "percent_off",
  "special_price",
  "member_price",
  "multi_buy",
  "buy_x_get_y",
  "threshold",
  "threshold_percent",
  // member tiers and consent purposes
  "basic",
  "silver",
  "gold",
  "platinum",
  "membership",
  "marketing",
  "profiling",
  // devices, tenders, units, roles of tokens
  "scanner",
  "scale",
  "printer",
  "drawer",
  "wechat",
  "alipay",
  "cash",
  "hq_admin",
  "regional_manager",
  "auditor",
  // change-set trail kinds and the hub's own actors
  "upsert",
  "auto-replenishment",
  "markdown-schedule",
] as const;

/**
 * The English the hub used to write into change-set trails and actor strings ("upsert price ...",
 * "to pilot stores: ...", "store S001", "system"): whole words that must not show on a zh-CN
 * screen naming who did what. Not in KNOWN_CODES because some are plain English words a
 * screen's data (a store's own name, say) may hold; scan with them where no such data shows.
 */
export const TRAIL_CODES = [
  "delete",
  "import",
  "rows",
  "compensated",
  "compensates",
  "pilot stores",
  "whole target",
  "coupons",
  "points rule",
  "system",
  "store",
  "cashier",
  "till",
] as const;

/** The known codes shown as whole words in the page's <main> text. */
export async function rawCodesOn(page: Page, codes: readonly string[] = KNOWN_CODES): Promise<string[]> {
  const text = await page.locator("main").innerText();
  return codes.filter((c) => new RegExp(`(^|[^A-Za-z0-9_])${c}($|[^A-Za-z0-9_])`).test(text));
}
