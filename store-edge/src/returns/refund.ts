// Which tenders a return refunds to. Pure: the lane passes the original sale's tenders and what
// earlier returns of that sale already refunded per kind of tender.
//
// By default the money goes back the way it came: to the wallet or card that paid, each up to
// what it paid less earlier refunds to it, cash last. The cashier may choose one kind instead:
// one the sale was paid with (up to what it can still take back), or cash; cash for money that
// would have gone back to a wallet or card needs a supervisor (`cashInsteadOf`, audited).
import type { Tender } from "@retail/protocol";
import { invalid } from "../errors.ts";

export type TenderKind = Tender["kind"];

export interface RefundTender {
  kind: TenderKind;
  amount: number;
  /** Member points a `points` refund gives back (member/points.ts pointsBack). */
  points?: number;
  /** The original tender's reference (the wallet's transaction id, the card's approval code). */
  originalReference?: string;
}

export interface RefundPlan {
  tenders: RefundTender[];
  /** Fen refunded in cash that the default would have sent back to a non-cash tender. */
  cashInsteadOf: number;
}

const NAMES: Record<TenderKind, string> = {
  cash: "cash",
  card: "card",
  wechat: "WeChat Pay",
  alipay: "Alipay",
  voucher: "voucher",
  points: "member points",
};

/** Earlier refunds of the sale, per kind of tender. */
export function refundedByKind(
  priorTenders: readonly { kind: TenderKind; amount: number }[],
): Map<TenderKind, number> {
  const m = new Map<TenderKind, number>();
  for (const t of priorTenders) m.set(t.kind, (m.get(t.kind) ?? 0) + t.amount);
  return m;
}

/** What each original tender can still take back, non-cash first, in the sale's order. */
function capacities(original: readonly Tender[], prior: ReadonlyMap<TenderKind, number>): RefundTender[] {
  const used = new Map(prior);
  const ordered = [
    ...original.filter((t) => t.kind !== "cash"),
    ...original.filter((t) => t.kind === "cash"),
  ];
  const out: RefundTender[] = [];
  for (const t of ordered) {
    const taken = Math.min(t.amount, used.get(t.kind) ?? 0);
    used.set(t.kind, (used.get(t.kind) ?? 0) - taken);
    const left = t.amount - taken;
    if (left > 0)
      out.push({ kind: t.kind, amount: left, ...(t.reference ? { originalReference: t.reference } : {}) });
  }
  return out;
}

/**
 * The refund's tenders for a return against a receipt. `requested` undefined: the original
 * tenders (the default). Throws `tender` when the requested kind cannot take the amount back.
 */
export function planRefund(
  original: readonly Tender[],
  prior: ReadonlyMap<TenderKind, number>,
  amount: number,
  requested?: TenderKind,
): RefundPlan {
  const caps = capacities(original, prior);
  const byDefault: RefundTender[] = [];
  let left = amount;
  for (const c of caps) {
    if (left === 0) break;
    const take = Math.min(left, c.amount);
    byDefault.push({ ...c, amount: take });
    left -= take;
  }
  // More than the tenders can take back cannot come from planReturn; cash is the safe rest.
  if (left > 0) byDefault.push({ kind: "cash", amount: left });
  if (requested === undefined) return { tenders: merge(byDefault), cashInsteadOf: 0 };
  if (requested === "cash") {
    const cashInsteadOf = byDefault.filter((t) => t.kind !== "cash").reduce((s, t) => s + t.amount, 0);
    return { tenders: amount > 0 ? [{ kind: "cash", amount }] : [], cashInsteadOf };
  }
  const mine = caps.filter((c) => c.kind === requested);
  if (!mine.length && !original.some((t) => t.kind === requested))
    throw invalid("tender", `the sale was not paid by ${NAMES[requested]}`);
  const room = mine.reduce((s, c) => s + c.amount, 0);
  if (room < amount)
    throw invalid(
      "tender",
      `${NAMES[requested]} can take back at most ${room} fen of this sale; refund the rest another way`,
    );
  const tenders: RefundTender[] = [];
  left = amount;
  for (const c of mine) {
    if (left === 0) break;
    const take = Math.min(left, c.amount);
    tenders.push({ ...c, amount: take });
    left -= take;
  }
  return { tenders, cashInsteadOf: 0 };
}

/** Cash parts merged into one (a sale can have several cash tenders); others stay per payment. */
function merge(tenders: RefundTender[]): RefundTender[] {
  const cash = tenders.filter((t) => t.kind === "cash").reduce((s, t) => s + t.amount, 0);
  const rest = tenders.filter((t) => t.kind !== "cash");
  return cash > 0 ? [...rest, { kind: "cash", amount: cash }] : rest;
}
