// Ceilings on quantities and amounts a store may report. Every sum HQ keeps (a store-day, a
// month, the chain over years) must stay an exact integer: SQLite's SUM raises "integer
// overflow" past 2^63 and JavaScript numbers stop being exact past 2^53 (~9.0e15 fen). A single
// schema-valid sale of 8e15 fen used to be accepted and broke every report and finance posting.
//
// Defaults, chosen for supermarkets and convenience stores:
//  - a line at most ¥100,000 (10,000,000 fen): above any shelf item (a case of Moutai, a gold
//    bar sold by a hypermarket's jewellery counter) times a plausible quantity;
//  - a unit (or kg) price at most the same ¥100,000;
//  - a quantity at most 1,000,000 (units, or grams for weighed goods: one tonne);
//  - a sale (its totals and each tender) at most ¥1,000,000 (100,000,000 fen): a corporate
//    gift-card order is the biggest basket a till sees; above it is a B2B invoice, not a till sale;
//  - a shift's cash figures and a cash movement at most ¥100,000,000.
// With these, 2^53 fen is ~90 million maximum sales: a chain-wide report over years stays exact.
// A chain's hub may lower the sale-level caps (hq-hub.json "moneyCaps"), never raise them. A sale
// within these caps but above a chain's is still a committed sale: HQ books it and raises a
// finding for a person (never a dead letter, which would lose it for good).
export interface MoneyCaps {
  /** Units, or grams when weighed, on one sale or return line. */
  qty: number;
  /** Fen per unit (or per kg when weighed), also a price override's catalog price. */
  unitPriceFen: number;
  /** A line's gross, net, tax, discount and refund. */
  lineFen: number;
  /** A sale's or return's totals, and each tender (amount, cash received, change). */
  saleFen: number;
}

export const MONEY_CAPS: Readonly<MoneyCaps> = Object.freeze({
  qty: 1_000_000,
  unitPriceFen: 10_000_000,
  lineFen: 10_000_000,
  saleFen: 100_000_000,
});

/** A shift's cash figures (float, counted, expected, sums by tender) and a cash movement. */
export const MAX_SHIFT_FEN = 10_000_000_000;
/** Counted, expected and received stock quantities (units or grams). */
export const MAX_STOCK_QTY = 1_000_000_000;
