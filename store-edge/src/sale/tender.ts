// Tender arithmetic: how much is still due, and what each kind of tender pays. Cash may be
// more than what is due (change is given back); everything else pays at most what is due.
import type { Tender } from "@retail/protocol";
import { conflict, invalid } from "../errors.ts";

export function paid(tenders: readonly Tender[]): number {
  return tenders.reduce((sum, t) => sum + t.amount, 0);
}

export function remaining(due: number, tenders: readonly Tender[]): number {
  return Math.max(0, due - paid(tenders));
}

function checkAmount(field: string, n: number): void {
  if (!Number.isSafeInteger(n) || n <= 0) throw invalid(field, "must be a positive whole number of fen");
}

/** Cash handed over: pays up to what is due, the rest is change. */
export function cashTender(received: number, due: number, tenders: readonly Tender[]): Tender {
  checkAmount("received", received);
  const left = remaining(due, tenders);
  // A basket that costs nothing (free items, a full discount) still closes with one tender.
  if (left === 0 && (due > 0 || tenders.length > 0)) throw conflict("received", "nothing is due");
  const amount = Math.min(received, left);
  return { kind: "cash", amount, received, change: received - amount };
}

/** A bank card on the external terminal: the cashier confirms its approval code. */
export function cardTender(
  amount: number,
  approvalCode: string,
  due: number,
  tenders: readonly Tender[],
): Tender {
  checkAmount("amount", amount);
  if (!/^[A-Za-z0-9]{4,12}$/.test(approvalCode))
    throw invalid("approvalCode", "the terminal's approval code: 4-12 letters or digits");
  const left = remaining(due, tenders);
  if (amount > left) throw invalid("amount", `card pays at most what is due (${left} fen)`);
  return { kind: "card", amount, reference: approvalCode };
}

/** An approved WeChat Pay / Alipay payment. */
export function walletTender(kind: "wechat" | "alipay", amount: number, transactionId: string): Tender {
  checkAmount("amount", amount);
  return { kind, amount, reference: transactionId };
}

/** The amount a wallet payment should charge: what is due, or less for a split tender. */
export function walletAmount(requested: number | undefined, due: number, tenders: readonly Tender[]): number {
  const left = remaining(due, tenders);
  if (left === 0) throw conflict("amount", "nothing is due");
  if (requested === undefined) return left;
  checkAmount("amount", requested);
  if (requested > left) throw invalid("amount", `pays at most what is due (${left} fen)`);
  return requested;
}
