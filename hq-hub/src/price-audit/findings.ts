// The re-pricing audit's findings as an HQ pricing clerk reads them (pure): which fields are
// amounts (then the expected and actual fen and the difference), which are a version, a list
// of promotions or a reason (kept as text). ingest/price-audit.ts writes the findings.

const MONEY = new Set([
  "unitPrice",
  "override.catalogPrice",
  "gross",
  "discount",
  "net",
  "tax",
  "totals.gross",
  "totals.discount",
  "totals.net",
  "totals.tax",
]);

export type FindingKind = "money" | "promotions" | "version" | "text";

export interface FindingValues {
  kind: FindingKind;
  expectedFen: number | null;
  actualFen: number | null;
  /** actual - expected: what the till charged more (positive) or less than HQ's price. */
  diffFen: number | null;
}

const fenOf = (text: string): number | null => {
  if (!/^-?\d{1,15}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
};

/** A money cap's finding names the line's field (`lines.0.gross`, ingest/cap-finding.ts). */
const LINE_MONEY = /^lines\.\d+\.(unitPrice|gross|discount|net|tax|refund)$/;

export function findingValues(f: { field: string; expected: string; actual: string }): FindingValues {
  if (MONEY.has(f.field) || LINE_MONEY.test(f.field)) {
    const expectedFen = fenOf(f.expected);
    const actualFen = fenOf(f.actual);
    const diffFen = expectedFen !== null && actualFen !== null ? actualFen - expectedFen : null;
    return { kind: "money", expectedFen, actualFen, diffFen };
  }
  const kind: FindingKind =
    f.field === "applied" || f.field === "discounts"
      ? "promotions"
      : f.field === "catalogVersion"
        ? "version"
        : "text";
  return { kind, expectedFen: null, actualFen: null, diffFen: null };
}
