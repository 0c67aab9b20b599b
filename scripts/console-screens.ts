// The HQ console screens the console bench (console.bench.ts) opens, and what "usable" means for
// each: every selector must be on screen, and each stands for the screen's own data (a row, a
// figure, a drawn chart or the page's "loaded" mark set only once its data arrived), never the
// bare frame. The bench's data: 300 stores x 30 days of sales, receipts, stock counts and
// returns (hq-hub/src/close/month-data.ts), plus 200,000 members with profiles and 3,000
// price-audit findings on the month's sales (console-bench-data.ts); screens whose records it
// does not hold (change sets, the audit log, lots near expiry) still read their (empty) lists and
// are usable when those lists answered.
export interface Screen {
  name: string;
  /** The path in the console's side navigation. */
  path: string;
  /** CSS selectors, all of which must be on screen. */
  ready: string[];
  /**
   * A tab reached by a click on the screen (this selector, clicked once it shows): the click is
   * part of the measured time, as it is of the user's way there.
   */
  tab?: string;
}

export function screensFor(): Screen[] {
  return [
    {
      name: "dashboard",
      path: "/dashboard",
      ready: ['[data-testid="dash-kpis"] [data-kpi="today-sales"]', '[data-testid="chart-days"] canvas'],
    },
    {
      name: "reports",
      path: "/reports",
      ready: ['[data-testid="report-net"]', '[data-testid="sales-chart"] canvas'],
    },
    { name: "margin", path: "/reports/margin", ready: ['[data-testid="margin-report"] tbody tr'] },
    { name: "fleet", path: "/fleet", ready: ["tr[data-store]"] },
    { name: "catalog", path: "/catalog", ready: ["tr[data-sku]"] },
    {
      name: "stock",
      path: "/stock",
      ready: ['[data-testid="stock"] tbody tr', '[data-testid="sales"] tbody tr'],
    },
    { name: "replenishment", path: "/replenishment", ready: ['[data-testid="suggestions"] tbody tr'] },
    {
      name: "completeness",
      path: "/completeness",
      ready: ['[data-testid="completeness-grid"] [data-testid="cell"]'],
    },
    {
      name: "finance",
      path: "/finance",
      // The week's trial balance, the months, and the first page of the week's vouchers.
      ready: ['[data-testid="trial-balance"]', '[data-testid="periods"]', '[data-testid="voucher"]'],
    },
    { name: "valuation", path: "/valuation", ready: ['[data-testid="valuation-status"]'] },
    {
      name: "changesets",
      path: "/changesets",
      ready: ['[data-testid="changeset-filter"][data-loaded="true"]'],
    },
    { name: "audit", path: "/audit", ready: ['[data-testid="audit-form"][data-loaded="true"]'] },
    { name: "expiry", path: "/expiry", ready: ['[data-testid="expiry"][data-loaded]'] },
    { name: "members", path: "/members", ready: ['[data-testid="members-list"] tr[data-member]'] },
    {
      name: "price-audit",
      path: "/exceptions",
      tab: '.tabs button:has-text("价格稽核")',
      ready: ['[data-testid="findings"] tr[data-finding]'],
    },
  ];
}
