// The daily completeness proof (day.digest): what a store sold on a business day, in a form HQ
// can check against what it holds. Receipt numbers travel packed (a busy store-day has ~3,000,
// numbered by a per-lane counter, so they collapse into a few ranges), and a SHA-256 of the
// sorted list lets HQ recompute and compare without trusting the unpacking. Pure: no I/O.
import { createHash } from "node:crypto";

/** One packed group: receipts `prefix + n` (n zero-padded to `width` digits) for n in ranges. */
export interface ReceiptGroup {
  prefix: string;
  /** Digits of the numeric tail; 0 when the receipt has none (then ranges is [[0, 0]]). */
  width: number;
  /** Inclusive [from, to] runs, ascending, not touching. */
  ranges: [number, number][];
}

/** The longest numeric tail kept as a number (beyond it the digits stay in the prefix). */
const MAX_WIDTH = 9;
const TAIL_RE = /^(.*?)(\d{1,9})$/s;

function split(receiptNo: string): { prefix: string; width: number; n: number } {
  const m = TAIL_RE.exec(receiptNo);
  if (!m) return { prefix: receiptNo, width: 0, n: 0 };
  const digits = m[2]!.slice(-MAX_WIDTH);
  return {
    prefix: m[1]! + m[2]!.slice(0, m[2]!.length - digits.length),
    width: digits.length,
    n: Number(digits),
  };
}

function join(prefix: string, width: number, n: number): string {
  return width === 0 ? prefix : prefix + String(n).padStart(width, "0");
}

/** Packs receipt numbers (any order, duplicates ignored) into groups of ranges; lossless. */
export function packReceipts(receiptNos: Iterable<string>): ReceiptGroup[] {
  const groups = new Map<string, { prefix: string; width: number; ns: number[] }>();
  for (const r of new Set(receiptNos)) {
    const { prefix, width, n } = split(r);
    const key = `${width}\u0000${prefix}`;
    let g = groups.get(key);
    if (!g) {
      g = { prefix, width, ns: [] };
      groups.set(key, g);
    }
    g.ns.push(n);
  }
  const out: ReceiptGroup[] = [];
  for (const g of [...groups.values()].sort((a, b) =>
    a.prefix === b.prefix ? a.width - b.width : a.prefix < b.prefix ? -1 : 1,
  )) {
    g.ns.sort((a, b) => a - b);
    const ranges: [number, number][] = [];
    for (const n of g.ns) {
      const last = ranges.at(-1);
      if (last && n === last[1] + 1) last[1] = n;
      else ranges.push([n, n]);
    }
    out.push({ prefix: g.prefix, width: g.width, ranges });
  }
  return out;
}

/** The receipt numbers of packed groups, sorted; throws RangeError past `limit` receipts. */
export function unpackReceipts(groups: readonly ReceiptGroup[], limit = 200_000): string[] {
  const out: string[] = [];
  for (const g of groups)
    for (const [from, to] of g.ranges) {
      if (to < from) throw new RangeError(`range [${from}, ${to}] of ${g.prefix} runs backwards`);
      if (out.length + (to - from + 1) > limit) throw new RangeError(`more than ${limit} receipts`);
      for (let n = from; n <= to; n++) out.push(join(g.prefix, g.width, n));
    }
  return sortReceipts(out);
}

/** Code-unit order (what JS sorts by and SQLite's BINARY collation agrees with). */
export function sortReceipts(receiptNos: Iterable<string>): string[] {
  return [...new Set(receiptNos)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** SHA-256 (hex) of the sorted, distinct receipt numbers joined by "\n": the digest's receiptsHash. */
export function receiptsHash(receiptNos: Iterable<string>): string {
  return createHash("sha256").update(sortReceipts(receiptNos).join("\n")).digest("hex");
}

/** The most receipts one digest may claim (a store-day; far above any real one). */
export const MAX_DIGEST_RECEIPTS = 200_000;

interface DigestShape {
  receiptCount: number;
  sales: { count: number };
  returns: { count: number };
  firstSeq?: number;
  lastSeq?: number;
  receipts?: readonly ReceiptGroup[];
}

/**
 * What is inconsistent in a digest the schema alone cannot see, as { field, message }, or
 * undefined. Checked without expanding the list (a hostile range cannot cost memory): ranges
 * ascending and apart, numbers within their width, no group twice, the ranges adding up to
 * receiptCount, sales + returns = receiptCount, firstSeq <= lastSeq.
 */
export function digestProblem(d: DigestShape): { field: string; message: string } | undefined {
  if (d.sales.count + d.returns.count !== d.receiptCount)
    return {
      field: "receiptCount",
      message: `is ${d.receiptCount}, but sales + returns = ${d.sales.count + d.returns.count}`,
    };
  if (d.firstSeq !== undefined && d.lastSeq !== undefined && d.firstSeq > d.lastSeq)
    return { field: "lastSeq", message: `${d.lastSeq} is before firstSeq ${d.firstSeq}` };
  if (!d.receipts) return undefined;
  let total = 0;
  const seen = new Set<string>();
  for (const [i, g] of d.receipts.entries()) {
    const key = `${g.width}\u0000${g.prefix}`;
    if (seen.has(key))
      return {
        field: `receipts.${i}`,
        message: `prefix ${JSON.stringify(g.prefix)} width ${g.width} listed twice`,
      };
    seen.add(key);
    const limit = g.width === 0 ? 0 : 10 ** g.width - 1;
    let prev = -1;
    for (const [j, [from, to]] of g.ranges.entries()) {
      const at = `receipts.${i}.ranges.${j}`;
      if (from > to) return { field: at, message: `[${from}, ${to}] runs backwards` };
      if (from <= prev) return { field: at, message: `[${from}, ${to}] is not after the range before it` };
      if (to > limit) return { field: at, message: `${to} has more than ${g.width} digits` };
      prev = to;
      total += to - from + 1;
      if (total > MAX_DIGEST_RECEIPTS)
        return { field: "receipts", message: `more than ${MAX_DIGEST_RECEIPTS} receipts` };
    }
  }
  if (total !== d.receiptCount)
    return { field: "receipts", message: `lists ${total} receipts, receiptCount says ${d.receiptCount}` };
  return undefined;
}
