// The completeness verdict of one store-day, pure: the store's day.digest against the receipts
// HQ holds for that store and business day. Receipts HQ committed after the digest (a higher
// seq) are not the digest's business: they are listed as `later`, not as extra.
import { receiptsHash, type StoreDayDigest, sortReceipts, unpackReceipts } from "@retail/protocol";

export type TenderKind = "cash" | "card" | "wechat" | "alipay" | "voucher";

/** One sale or return HQ holds for the store-day (training never reaches these tables). */
export interface HqReceipt {
  receiptNo: string;
  /** The seq of the event that brought it. */
  seq: number;
  kind: "sale" | "return";
  /** Sale: net and tax; return: refund (net ignored). */
  net: number;
  tax: number;
  refund: number;
  tenders: { kind: string; amount: number }[];
}

export interface DaySummary {
  receiptCount: number;
  sales: { count: number; net: number; tax: number };
  returns: { count: number; refund: number };
  salesByTender: Partial<Record<string, number>>;
  returnsByTender: Partial<Record<string, number>>;
  receiptsHash: string;
}

export type DayStatus = "complete" | "incomplete" | "pending";

export interface Mismatch {
  field: string;
  store: number | string;
  hq: number | string;
}

export interface DayVerdict {
  status: DayStatus;
  /** The digest is the store's final word on a closed day (not a running one of today). */
  final: boolean;
  digestSeq: number;
  firstSeq?: number;
  lastSeq?: number;
  asOf: string;
  store: DaySummary;
  hq: DaySummary;
  /** In the store's list, not at HQ. */
  missing: string[];
  /** At HQ (before the digest), not in the store's list. */
  extra: string[];
  /** At HQ for this day, committed after the digest (a newer digest will account for them). */
  later: string[];
  mismatches: Mismatch[];
  /** The digest carried its receipt list (else missing receipts cannot be named, only counted). */
  listed: boolean;
  /** HQ has every event of the store up to the digest's last receipt (committed or dead-lettered). */
  caughtUp: boolean;
}

/** Counts, money by tender and the receipts hash of what HQ holds. */
export function summarise(receipts: readonly HqReceipt[]): DaySummary {
  const s: DaySummary = {
    receiptCount: 0,
    sales: { count: 0, net: 0, tax: 0 },
    returns: { count: 0, refund: 0 },
    salesByTender: {},
    returnsByTender: {},
    receiptsHash: receiptsHash(receipts.map((r) => r.receiptNo)),
  };
  for (const r of receipts) {
    s.receiptCount++;
    const by = r.kind === "sale" ? s.salesByTender : s.returnsByTender;
    if (r.kind === "sale") {
      s.sales.count++;
      s.sales.net += r.net;
      s.sales.tax += r.tax;
    } else {
      s.returns.count++;
      s.returns.refund += r.refund;
    }
    for (const t of r.tenders) by[t.kind] = (by[t.kind] ?? 0) + t.amount;
  }
  return s;
}

function storeSummary(d: StoreDayDigest): DaySummary {
  return {
    receiptCount: d.receiptCount,
    sales: d.sales,
    returns: d.returns,
    salesByTender: d.salesByTender,
    returnsByTender: d.returnsByTender,
    receiptsHash: d.receiptsHash,
  };
}

function tenderMismatches(
  field: string,
  store: Partial<Record<string, number>>,
  hq: Partial<Record<string, number>>,
) {
  const out: Mismatch[] = [];
  for (const k of [...new Set([...Object.keys(store), ...Object.keys(hq)])].sort()) {
    const a = store[k] ?? 0;
    const b = hq[k] ?? 0;
    if (a !== b) out.push({ field: `${field}.${k}`, store: a, hq: b });
  }
  return out;
}

/**
 * The verdict: complete when the receipt lists (by hash, and by name when the digest lists them)
 * and every total agree; otherwise pending while HQ still lacks events up to the digest's last
 * receipt (they may be in transit), else incomplete.
 */
export function compareDay(
  digest: StoreDayDigest,
  digestSeq: number,
  held: readonly HqReceipt[],
  hqUpToSeq: number,
): DayVerdict {
  const before = held.filter((r) => r.seq < digestSeq);
  const later = sortReceipts(held.filter((r) => r.seq > digestSeq).map((r) => r.receiptNo));
  const hq = summarise(before);
  const store = storeSummary(digest);
  let missing: string[] = [];
  let extra: string[] = [];
  // Validated at ingest (digestProblem), so this cannot blow up; a row from before is unlisted.
  let list: string[] | undefined;
  try {
    list = digest.receipts ? unpackReceipts(digest.receipts) : undefined;
  } catch {
    list = undefined;
  }
  const listed = list !== undefined;
  if (list) {
    const theirs = new Set(list);
    const ours = new Set(before.map((r) => r.receiptNo));
    missing = [...theirs].filter((r) => !ours.has(r));
    extra = sortReceipts([...ours].filter((r) => !theirs.has(r)));
  }
  const mismatches: Mismatch[] = [];
  const cmp = (field: string, a: number | string, b: number | string) => {
    if (a !== b) mismatches.push({ field, store: a, hq: b });
  };
  cmp("receiptCount", store.receiptCount, hq.receiptCount);
  cmp("receiptsHash", store.receiptsHash, hq.receiptsHash);
  cmp("sales.count", store.sales.count, hq.sales.count);
  cmp("sales.net", store.sales.net, hq.sales.net);
  cmp("sales.tax", store.sales.tax, hq.sales.tax);
  cmp("returns.count", store.returns.count, hq.returns.count);
  cmp("returns.refund", store.returns.refund, hq.returns.refund);
  mismatches.push(...tenderMismatches("salesByTender", store.salesByTender, hq.salesByTender));
  mismatches.push(...tenderMismatches("returnsByTender", store.returnsByTender, hq.returnsByTender));
  const caughtUp = hqUpToSeq >= (digest.lastSeq ?? 0);
  const agree = missing.length === 0 && extra.length === 0 && mismatches.length === 0;
  return {
    status: agree ? "complete" : caughtUp ? "incomplete" : "pending",
    final: digest.final,
    digestSeq,
    ...(digest.firstSeq !== undefined ? { firstSeq: digest.firstSeq } : {}),
    ...(digest.lastSeq !== undefined ? { lastSeq: digest.lastSeq } : {}),
    asOf: digest.asOf,
    store,
    hq,
    missing,
    extra,
    later,
    mismatches,
    listed,
    caughtUp,
  };
}
