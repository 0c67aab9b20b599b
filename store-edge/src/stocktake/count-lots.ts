// Counting dated goods by lot, pure: the lot a scan names (typed, or read from the lot's GS1-128
// label: GTIN, batch, expiry), the lots a counter may pick (batch and expiry only: counting is
// blind), and a finished line's lots for HQ (each lot's snapshot beside its count).
import { type CountedLot, countedLots, gs1Lot, isExpiryDate, type Lot, UNDATED } from "@retail/protocol";
import { invalid } from "../errors.ts";
import type { CountEntry, TallyLine } from "./tally.ts";

/** The lot a scan names: a batch and its expiry, or batch "" for the undated rest. */
export interface CountLot {
  batch: string;
  expiresOn?: string | undefined;
}

const BATCH_RE = /^[0-9A-Za-z][0-9A-Za-z._/-]{0,39}$/;

/**
 * The code to look up and the lot a scan counts: a GS1-128 label gives the GTIN and its lot
 * (a typed lot must agree with it); a typed lot is checked (a real batch code and date, or ""
 * without a date for the undated rest).
 */
export function readCountLot(code: string, typed?: CountLot): { code: string; lot?: CountLot } {
  let lot = typed;
  let look = code;
  const label = gs1Lot(code);
  if (label && "error" in label) throw invalid("code", `the lot's label: ${label.error}`);
  if (label) {
    if (label.batch && !label.expiresOn)
      throw invalid("code", "the lot's label has a batch but no expiry (17)");
    if (label.batch && label.expiresOn) {
      if (lot && (lot.batch !== label.batch || lot.expiresOn !== label.expiresOn))
        throw invalid("batch", `the label says lot ${label.batch} ${label.expiresOn}`);
      lot = { batch: label.batch, expiresOn: label.expiresOn };
    }
    look = label.gtin;
  }
  if (lot) {
    if (lot.batch === UNDATED) {
      if (lot.expiresOn !== undefined) throw invalid("expiresOn", "the undated rest has no expiry");
    } else {
      if (!BATCH_RE.test(lot.batch)) throw invalid("batch", "batch: 1-40 letters, digits, . _ / -");
      if (!lot.expiresOn || !isExpiryDate(lot.expiresOn))
        throw invalid("expiresOn", "expiry: a real date YYYY-MM-DD");
    }
  }
  return lot ? { code: look, lot } : { code: look };
}

/** A dated SKU's lots to pick: the snapshot's (or the book's) and those counted so far; soonest first. */
export function lotChoicesOf(
  book: readonly Lot[],
  entries: readonly CountEntry[],
  sku: string,
): { batch: string; expiresOn: string }[] {
  const seen = new Map<string, { batch: string; expiresOn: string }>();
  const add = (batch: string, expiresOn: string | null) => {
    if (batch !== UNDATED && expiresOn) seen.set(`${batch}|${expiresOn}`, { batch, expiresOn });
  };
  for (const l of book) add(l.batch, l.expiresOn);
  for (const e of entries) if (e.sku === sku) add(e.batch ?? "", e.expiresOn ?? null);
  return [...seen.values()].sort(
    (a, b) => a.expiresOn.localeCompare(b.expiresOn) || a.batch.localeCompare(b.batch),
  );
}

/**
 * A line's lots for HQ: when it was counted by lot (dated at the snapshot, or some entry named
 * a lot), each lot's snapshot beside its count; at most 20 (more: none, and HQ draws FEFO).
 */
export function submittedLots(snap: Lot[] | null | undefined, l: TallyLine): CountedLot[] | undefined {
  if (!snap && !l.byLot) return undefined;
  const book: Lot[] = snap ?? (l.expected ? [{ batch: UNDATED, expiresOn: null, qty: l.expected }] : []);
  const lots = countedLots(book, l.lots);
  return lots.length > 0 && lots.length <= 20 ? lots : undefined;
}
