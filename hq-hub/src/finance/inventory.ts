// Inventory accounting, pure: what costed stock movements (costing/, one per stock ledger row)
// mean for the accounts. Every movement changes its position's value by valueFen - correctionFen;
// the vouchers move the inventory account by exactly that, so the inventory account's balance
// is the stock valuation (to the fen) once every movement is posted:
//  - sale (out):            Dr cogs,                Cr inventory   (cost at the average)
//  - return (in):           Dr inventory,           Cr cogs        (the cost the units left with)
//  - receipt (in):          Dr inventory,           Cr grni        (goods received not invoiced)
//  - count gain / loss:     Dr inventory, Cr count_gain  /  Dr count_loss, Cr inventory
//  - transfer out / in:     Dr transfer_in_transit, Cr inventory  /  Dr inventory, Cr transfer_in_transit
//  - correction (negative stock re-costed by incoming stock): Dr cogs, Cr inventory (or the reverse)
//  - any other kind: as a count gain (in) or loss (out).
// Vouchers: one per store and day for sales and returns (inventory.cogs), one per receipt,
// count and transfer document (inventory.receipt / .count / .transfer), each per posting batch:
// the source id ends with the batch's first ledger id, so a batch posted twice is one voucher.
import type { Role } from "../accounts/chart.ts";
import type { DocumentVoucherInput, DocumentVoucherLine } from "./documents.ts";

export interface CostedMovement {
  ledgerId: number;
  storeId: string;
  sku: string;
  kind: string;
  ref: string;
  qty: number;
  valueFen: number;
  correctionFen: number;
  at: string;
}

export type InventoryRoles = Pick<
  Record<Role, string>,
  "inventory" | "cogs" | "grni" | "count_gain" | "count_loss" | "transfer_in_transit"
>;

/** The accounting day of a movement: the date its timestamp names (the store's local day when it carries an offset). */
export const movementDay = (at: string) => at.slice(0, 10);

type Group = "cogs" | "receipt" | "count" | "transfer";
const GROUP: Record<string, Group> = {
  sale: "cogs",
  return: "cogs",
  receipt: "receipt",
  count_adjustment: "count",
  transfer_out: "transfer",
  transfer_in: "transfer",
  transfer_difference: "transfer", // received short or over: a loss or gain, in the transfer's voucher
};
const MEMO: Record<Group, string> = {
  cogs: "销售成本结转",
  receipt: "采购入库 (暂估)",
  count: "盘点盈亏",
  transfer: "门店调拨",
};

/** Debit and credit accounts for one movement's value (> 0 in, < 0 out), before its correction. */
function accountsOf(kind: string, valueFen: number, r: InventoryRoles): [debit: string, credit: string] {
  const inbound = valueFen > 0;
  switch (kind) {
    case "sale":
    case "return":
      return inbound ? [r.inventory, r.cogs] : [r.cogs, r.inventory];
    case "receipt":
      return inbound ? [r.inventory, r.grni] : [r.grni, r.inventory];
    case "transfer_out":
    case "transfer_in":
      return inbound ? [r.inventory, r.transfer_in_transit] : [r.transfer_in_transit, r.inventory];
    default:
      return inbound ? [r.inventory, r.count_gain] : [r.count_loss, r.inventory];
  }
}

/** A document's reference as voucher text: control characters out, bounded. */
const clean = (s: string, max: number) => s.replace(/[\p{Cc}\p{Cs}]/gu, "?").slice(0, max);

/** The vouchers for a batch of costed movements (any order; grouped by store, day and document). */
export function inventoryVouchers(
  movements: readonly CostedMovement[],
  rolesOf: (storeId: string) => InventoryRoles,
) {
  const groups = new Map<
    string,
    { storeId: string; day: string; group: Group; doc: string; first: number; sums: Map<string, number> }
  >();
  for (const m of movements) {
    const group = GROUP[m.kind] ?? "count";
    const day = movementDay(m.at);
    // Sales and returns per store-day; the other documents per store and document.
    const doc = group === "cogs" ? day : m.ref;
    const key = `${m.storeId}\u0000${group}\u0000${day}\u0000${doc}`;
    let g = groups.get(key);
    if (!g) {
      g = { storeId: m.storeId, day, group, doc, first: m.ledgerId, sums: new Map() };
      groups.set(key, g);
    }
    g.first = Math.min(g.first, m.ledgerId);
    const r = rolesOf(m.storeId);
    const add = (debit: string, credit: string, fen: number) => {
      if (fen === 0) return;
      if (fen < 0) [debit, credit, fen] = [credit, debit, -fen];
      g.sums.set(`D${debit}`, (g.sums.get(`D${debit}`) ?? 0) + fen);
      g.sums.set(`C${credit}`, (g.sums.get(`C${credit}`) ?? 0) + fen);
    };
    const [dr, cr] = accountsOf(m.kind, m.valueFen, r);
    add(dr, cr, Math.abs(m.valueFen));
    // correction > 0: cost of goods sold was understated, the inventory value overstated.
    add(r.cogs, r.inventory, m.correctionFen);
  }
  const out: DocumentVoucherInput[] = [];
  for (const g of groups.values()) {
    const lines: DocumentVoucherLine[] = [...g.sums]
      .filter(([, fen]) => fen > 0)
      .map(([k, fen]) => ({
        account: k.slice(1),
        debitFen: k[0] === "D" ? fen : 0,
        creditFen: k[0] === "C" ? fen : 0,
      }))
      .sort(
        (a, b) => (b.debitFen > 0 ? 1 : 0) - (a.debitFen > 0 ? 1 : 0) || (a.account < b.account ? -1 : 1),
      );
    if (lines.length === 0) continue;
    const id =
      clean(g.group === "cogs" ? `${g.storeId}/${g.day}` : `${g.storeId}/${g.doc}`, 180) + `#${g.first}`;
    out.push({
      storeId: g.storeId,
      businessDay: g.day,
      source: { kind: `inventory.${g.group}`, id },
      memo: clean(`${g.day} ${g.storeId} ${MEMO[g.group]}${g.group === "cogs" ? "" : ` ${g.doc}`}`, 200),
      lines,
    });
  }
  return out;
}
