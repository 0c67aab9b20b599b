// The chart's rules by hand: what an HQ admin's edit may and may not do.
import { describe, expect, test } from "bun:test";
import {
  CAS_DEFAULT_ACCOUNTS,
  ChartError,
  checkAccount,
  checkRule,
  DEFAULT_RULES,
  type LedgerAccount,
  parentOf,
  ROLES,
} from "./chart.ts";

const chart = () => new Map(CAS_DEFAULT_ACCOUNTS.map((a) => [a.code, { ...a }]));
const acc = (over: Partial<LedgerAccount>): LedgerAccount => ({
  code: "6602.01",
  name: "管理费用—盘亏",
  nameEn: "Admin expenses - count losses",
  category: "profit_loss",
  side: "debit",
  active: true,
  ...over,
});
const fieldOf = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ChartError);
    return (e as ChartError).field + ": " + (e as ChartError).message;
  }
  return "accepted";
};

describe("chart of accounts", () => {
  test("the CAS defaults are consistent: every parent exists, every class matches, every rule points at a leaf", () => {
    const c = chart();
    for (const a of CAS_DEFAULT_ACCOUNTS)
      expect(fieldOf(() => checkAccount(c, DEFAULT_RULES, a))).toBe("accepted");
    for (const [role, account] of Object.entries(DEFAULT_RULES))
      expect(fieldOf(() => checkRule(c, role, account))).toBe("accepted");
    expect(Object.keys(DEFAULT_RULES).sort()).toEqual(Object.keys(ROLES).sort());
    expect(parentOf("2221.01.01")).toBe("2221.01");
    expect(parentOf("1405")).toBeUndefined();
  });

  test("an account edit is refused naming the field", () => {
    const c = chart();
    const r = DEFAULT_RULES;
    expect(fieldOf(() => checkAccount(c, r, acc({})))).toBe("accepted");
    expect(fieldOf(() => checkAccount(c, r, acc({ code: "7001" })))).toStartWith("code:");
    expect(fieldOf(() => checkAccount(c, r, acc({ code: "66021" })))).toStartWith("code:");
    expect(fieldOf(() => checkAccount(c, r, acc({ code: "6602.1" })))).toStartWith("code:");
    expect(fieldOf(() => checkAccount(c, r, acc({ code: "6604.01" })))).toContain("parent account 6604");
    expect(fieldOf(() => checkAccount(c, r, acc({ category: "asset" })))).toStartWith("category:");
    expect(fieldOf(() => checkAccount(c, r, acc({ name: "" })))).toStartWith("name:");
    expect(fieldOf(() => checkAccount(c, r, acc({ name: "   " })))).toStartWith("name:");
    expect(fieldOf(() => checkAccount(c, r, acc({ name: "a\tb" })))).toStartWith("name:");
    expect(fieldOf(() => checkAccount(c, r, acc({ name: "长".repeat(61) })))).toStartWith("name:");
    expect(fieldOf(() => checkAccount(c, r, acc({ side: "both" as "debit" })))).toStartWith("side:");
    // Deactivating an account a posting rule uses, or one with active sub-accounts.
    expect(fieldOf(() => checkAccount(c, r, { ...c.get("1405")!, active: false }))).toContain(
      "used by posting rule inventory",
    );
    expect(fieldOf(() => checkAccount(c, r, { ...c.get("2203")!, active: false }))).toContain(
      "sub-account 2203.01",
    );
    expect(fieldOf(() => checkAccount(c, r, { ...c.get("6711")!, active: false }))).toBe("accepted");
    // A sub-account under an inactive parent.
    c.set("6711", { ...c.get("6711")!, active: false });
    expect(fieldOf(() => checkAccount(c, r, acc({ code: "6711.01", name: "盘亏" })))).toContain("inactive");
  });

  test("a posting rule must name a known role and an active leaf account of the right class", () => {
    const c = chart();
    expect(fieldOf(() => checkRule(c, "count_loss", "6711"))).toBe("accepted");
    expect(fieldOf(() => checkRule(c, "nonsense", "1405"))).toStartWith("role:");
    expect(fieldOf(() => checkRule(c, "__proto__", "1405"))).toStartWith("role:");
    expect(fieldOf(() => checkRule(c, "inventory", "9999"))).toContain("not in the chart");
    expect(fieldOf(() => checkRule(c, "inventory", "6001"))).toContain("needs an account of class asset");
    expect(fieldOf(() => checkRule(c, "output_vat", "2221"))).toContain("post to a leaf");
    c.set("1402", { ...c.get("1402")!, active: false });
    expect(fieldOf(() => checkRule(c, "transfer_in_transit", "1402"))).toContain("inactive");
  });
});
