// Matching a provider's settlement file with the wallet tenders HQ holds (pure). The key is the
// provider's id the till stored as the tender's reference: the transaction id for a sale's
// tender, the refund id for a return's. Every file entry and every HQ tender ends in exactly one
// item; differences carry their reason. What was settled per store is summed for posting.
import { mulDivRoundHalfUp } from "@retail/protocol";
import type { Provider, RowProblem, SettlementEntry } from "./bill.ts";
import { type ItemReason, reasonText } from "./reason.ts";

export { formatRate } from "./reason.ts";

/** A wallet tender at HQ (tenders joined with its sale or return). */
export interface HqTender {
  storeId: string;
  docKind: "sale" | "return";
  docId: string;
  amountFen: number;
  /** The provider's transaction id (sale) or refund id (return); null if the till had none. */
  reference: string | null;
}

export const ITEM_STATUSES = [
  "matched",
  "reversed",
  "not_at_hq",
  "not_in_file",
  "amount_mismatch",
  "refund_mismatch",
  "fee_mismatch",
  "reversed_but_sold",
  "duplicate",
  "bad_row",
  "settlement_missing",
  "settlement_amount",
  "unexpected_credit",
  "other_merchant",
  "other_store",
] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
/** Statuses that need a person; `matched` and `reversed` (undone at the till too) do not. */
export const DIFFERENCES: ReadonlySet<ItemStatus> = new Set(
  ITEM_STATUSES.filter((s) => s !== "matched" && s !== "reversed"),
);

export interface MatchItem {
  status: ItemStatus;
  kind: "payment" | "refund" | "reversed" | "settlement" | "row";
  transactionId: string;
  refundId: string;
  storeId: string | null;
  docKind: "sale" | "return" | null;
  docId: string | null;
  fileFen: number | null;
  hqFen: number | null;
  settledFen: number;
  feeFen: number;
  row: number | null;
  column: string | null;
  /** Why, as data (code and fields): what a reader formats in its language. */
  why: ItemReason;
  /** `why` in English. */
  reason: string;
}

/** The item's reason, as data and as the hub's English sentence. */
export const because = (why: ItemReason) => ({ why, reason: reasonText(why) });

/** What one store's matched entries settle: posted as one voucher per provider, day and store. */
export interface StoreSettlement {
  storeId: string;
  /** Payments settled minus refunds settled (credited to the wallet clearing account). */
  clearedFen: number;
  feeFen: number;
  /** What reaches the bank: cleared - fee. */
  bankFen: number;
}

export interface MatchResult {
  items: MatchItem[];
  stores: StoreSettlement[];
  totals: { paymentsFen: number; refundsFen: number; feesFen: number; netFen: number; differences: number };
}

/** "0.38" (percent) -> 3800 parts per million, exactly; undefined if not such a number. */
export function parseRatePercent(text: string): number | undefined {
  const m = /^(\d{1,2})(?:\.(\d{1,4}))?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * 10_000 + Number((m[2] ?? "").padEnd(4, "0"));
}

/**
 * The merchant accounts an entry may be settled to: the chain's (`merchants`, configured), or,
 * when none are configured, the one most of the file's entries name (a file mixing accounts).
 */
function merchantsOf(entries: SettlementEntry[], configured: readonly string[] | undefined): Set<string> {
  if (configured?.length) return new Set(configured);
  const n = new Map<string, number>();
  for (const e of entries) if (e.merchantId) n.set(e.merchantId, (n.get(e.merchantId) ?? 0) + 1);
  const top = [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return new Set(top ? [top[0]] : []);
}

/**
 * `feeRatePpm`: the merchant's contracted fee rate in parts per million of the amount (0.38% =
 * 3800); when given, a matched entry whose fee is not the amount at that rate, rounded half up
 * to the fen (a refund gives back its share), is a fee_mismatch.
 */
export function matchSettlement(
  provider: Provider,
  entries: SettlementEntry[],
  problems: RowProblem[],
  tenders: HqTender[],
  opts: { feeRatePpm?: number; merchants?: readonly string[] } = {},
): MatchResult {
  const ours = merchantsOf(entries, opts.merchants);
  const strict = (opts.merchants?.length ?? 0) > 0;
  const items: MatchItem[] = [];
  const hq = new Map<string, HqTender[]>();
  for (const t of tenders) {
    if (!t.reference) {
      items.push({
        ...blank(t.docKind === "sale" ? "payment" : "refund"),
        status: "not_in_file",
        storeId: t.storeId,
        docKind: t.docKind,
        docId: t.docId,
        hqFen: t.amountFen,
        ...because({ code: "no_reference", provider, docKind: t.docKind }),
      });
      continue;
    }
    const key = `${t.docKind}:${t.reference}`;
    hq.set(key, [...(hq.get(key) ?? []), t]);
  }
  const seen = new Map<string, number>();
  for (const e of entries) {
    const isRefund = e.kind === "refund";
    const key = isRefund ? `return:${e.refundId}` : `sale:${e.transactionId}`;
    const base = {
      ...blank(e.kind),
      transactionId: e.transactionId,
      refundId: e.refundId,
      fileFen: e.amountFen,
      settledFen: e.settledFen,
      feeFen: e.feeFen,
      row: e.row,
    };
    // Another merchant's entry never touches our tenders, whatever ids it carries.
    const merchantId = e.merchantId ?? "";
    if ((strict || merchantId) && ours.size && !ours.has(merchantId)) {
      items.push({
        ...base,
        status: "other_merchant",
        ...because({ code: "other_merchant", provider, merchantId, expected: [...ours] }),
      });
      continue;
    }
    const firstRow = seen.get(`${e.kind}:${key}`);
    if (firstRow !== undefined) {
      items.push({
        ...base,
        status: "duplicate",
        ...because({ code: "duplicate", entryKind: e.kind, firstRow }),
      });
      continue;
    }
    seen.set(`${e.kind}:${key}`, e.row);
    const found = hq.get(key);
    // The till named its store on the payment: the file claims it for another store than the
    // one HQ holds it at. Never matched (nor posted); HQ's tender stays unsettled.
    const elsewhere = e.storeCode && found?.[0] && found[0].storeId !== e.storeCode ? found[0] : undefined;
    if (elsewhere) {
      items.push({
        ...base,
        status: "other_store",
        ...because({
          code: "other_store",
          provider,
          fileStore: e.storeCode!,
          hqStore: elsewhere.storeId,
          docKind: elsewhere.docKind,
          docId: elsewhere.docId,
        }),
      });
      continue;
    }
    hq.delete(key);
    const at = found?.[0];
    const hqFen = found?.reduce((s, t) => s + t.amountFen, 0) ?? null;
    const where = at ? { storeId: at.storeId, docKind: at.docKind, docId: at.docId, hqFen } : {};
    if (e.kind === "reversed") {
      items.push(
        at
          ? {
              ...base,
              ...where,
              status: "reversed_but_sold",
              ...because({ code: "reversed_but_sold", provider, hqFen: hqFen! }),
            }
          : { ...base, status: "reversed", ...because({ code: "reversed" }) },
      );
      continue;
    }
    if (!at) {
      items.push({
        ...base,
        status: "not_at_hq",
        ...because(
          isRefund
            ? { code: "refund_not_at_hq", provider, fileFen: e.amountFen, refundId: e.refundId }
            : { code: "not_at_hq", provider, fileFen: e.amountFen },
        ),
      });
      continue;
    }
    if (hqFen !== e.amountFen) {
      items.push({
        ...base,
        ...where,
        status: isRefund ? "refund_mismatch" : "amount_mismatch",
        ...because({
          code: isRefund ? "refund_mismatch" : "amount_mismatch",
          fileFen: e.amountFen,
          hqFen: hqFen!,
          docKind: at.docKind,
          docId: at.docId,
        }),
      });
      continue;
    }
    if (opts.feeRatePpm !== undefined) {
      const due = (isRefund ? -1 : 1) * mulDivRoundHalfUp(e.amountFen, opts.feeRatePpm, 1_000_000);
      if (due !== e.feeFen) {
        items.push({
          ...base,
          ...where,
          status: "fee_mismatch",
          ...because({
            code: "fee_mismatch",
            feeFen: e.feeFen,
            dueFen: due,
            ratePpm: opts.feeRatePpm,
            amountFen: e.amountFen,
          }),
        });
        continue;
      }
    }
    items.push({ ...base, ...where, status: "matched", ...because({ code: "matched" }) });
  }
  for (const list of hq.values())
    for (const t of list)
      items.push({
        ...blank(t.docKind === "sale" ? "payment" : "refund"),
        status: "not_in_file",
        transactionId: t.docKind === "sale" ? t.reference! : "",
        refundId: t.docKind === "return" ? t.reference! : "",
        storeId: t.storeId,
        docKind: t.docKind,
        docId: t.docId,
        hqFen: t.amountFen,
        ...because({ code: "not_in_file", provider, docKind: t.docKind, hqFen: t.amountFen }),
      });
  for (const p of problems)
    items.push({
      ...blank("row"),
      status: "bad_row",
      row: p.row,
      column: p.column,
      ...because({ code: "bad_row", row: p.row, column: p.column, detail: p.detail }),
    });

  const byStore = new Map<string, StoreSettlement>();
  for (const i of items) {
    // Settled money of entries HQ can place at a store; the others wait for their difference.
    if (!i.storeId || i.row === null || (i.kind !== "payment" && i.kind !== "refund")) continue;
    if (i.status === "not_in_file" || i.status === "duplicate") continue;
    const s = byStore.get(i.storeId) ?? { storeId: i.storeId, clearedFen: 0, feeFen: 0, bankFen: 0 };
    s.clearedFen += i.kind === "payment" ? i.settledFen : -i.settledFen;
    s.feeFen += i.feeFen;
    s.bankFen = s.clearedFen - s.feeFen;
    byStore.set(i.storeId, s);
  }
  const settled = entries.filter((e) => e.kind !== "reversed");
  const paymentsFen = settled.reduce((s, e) => s + (e.kind === "payment" ? e.settledFen : 0), 0);
  const refundsFen = settled.reduce((s, e) => s + (e.kind === "refund" ? e.settledFen : 0), 0);
  const feesFen = settled.reduce((s, e) => s + e.feeFen, 0);
  return {
    items,
    stores: [...byStore.values()].sort((a, b) => a.storeId.localeCompare(b.storeId)),
    totals: {
      paymentsFen,
      refundsFen,
      feesFen,
      netFen: paymentsFen - refundsFen - feesFen,
      differences: items.filter((i) => DIFFERENCES.has(i.status)).length,
    },
  };
}

function blank(kind: MatchItem["kind"]): MatchItem {
  return {
    status: "matched",
    kind,
    transactionId: "",
    refundId: "",
    storeId: null,
    docKind: null,
    docId: null,
    fileFen: null,
    hqFen: null,
    settledFen: 0,
    feeFen: 0,
    row: null,
    column: null,
    ...because({ code: "matched" }),
  };
}
