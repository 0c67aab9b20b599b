// The reports as files, pure: each report's answer becomes a header row and one row per line
// (and a total), in zh-CN or English, written as CSV (UTF-8 with BOM, formulas defused) or XLSX
// through the hub's one writer (export/xlsx.ts). Amounts are yuan as exact decimal text from
// integer fen, never through a float; counts are whole numbers.
import { formatYuanPlain } from "@retail/protocol";
import { z } from "zod";
import { csv } from "../export/formats.ts";
import { type Cell, xlsx } from "../export/xlsx.ts";

export const REPORTS = ["sales", "tenders", "margin", "returns"] as const;
export type ReportKind = (typeof REPORTS)[number];
const Day = z.iso.date({ message: "a date YYYY-MM-DD" });
export const ReportFileQuery = z.object({
  report: z.enum(REPORTS),
  format: z.enum(["csv", "xlsx"]),
  lang: z.enum(["zh-CN", "en"]).default("zh-CN"),
  from: Day,
  to: Day,
  by: z.string().max(20).optional(),
  store: z.string().min(1).optional(),
});
export type ReportFileQuery = z.infer<typeof ReportFileQuery>;

type Lang = "zh-CN" | "en";
const yuan = (fen: number): Cell => ({ number: formatYuanPlain(fen) });
const n = (v: number): Cell => ({ number: String(v) });
const pct = (bp: number | null): Cell => (bp === null ? "" : { number: formatYuanPlain(bp) });

const HEAD = {
  sales: {
    "zh-CN": [
      "分组",
      "名称",
      "销售笔数",
      "退货笔数",
      "销售额(元)",
      "折扣(元)",
      "净销售额(元)",
      "税额(元)",
      "退款(元)",
    ],
    en: [
      "Key",
      "Name",
      "Sales",
      "Returns",
      "Gross (yuan)",
      "Discount (yuan)",
      "Net (yuan)",
      "VAT (yuan)",
      "Refunds (yuan)",
    ],
  },
  tenders: {
    "zh-CN": ["支付方式", "笔数", "金额(元)"],
    en: ["Method", "Payments", "Amount (yuan)"],
  },
  margin: {
    "zh-CN": [
      "分组",
      "名称",
      "销售数量",
      "退货数量",
      "收入(元)",
      "成本(元)",
      "毛利(元)",
      "毛利率(%)",
      "折扣(元)",
    ],
    en: [
      "Key",
      "Name",
      "Sold qty",
      "Returned qty",
      "Revenue (yuan)",
      "Cost (yuan)",
      "Margin (yuan)",
      "Margin (%)",
      "Discount (yuan)",
    ],
  },
  returns: {
    "zh-CN": ["类别", "项目", "笔数", "金额(元)"],
    en: ["Kind", "Item", "Count", "Amount (yuan)"],
  },
} as const;
const TOTAL = { "zh-CN": "合计", en: "Total" } as const;

interface SalesLike {
  rows: {
    key: string;
    label: string;
    saleCount: number;
    returnCount: number;
    grossFen: number;
    discountFen: number;
    netFen: number;
    taxFen: number;
    refundFen: number;
  }[];
  totals: Omit<SalesLike["rows"][number], "key" | "label">;
}
interface TendersLike {
  rows: { method: string; count: number; amountFen: number }[];
  totalFen: number;
}
interface MarginLike {
  rows: {
    key: string;
    label: string;
    soldQty: number;
    returnedQty: number;
    revenueFen: number;
    costFen: number;
    marginFen: number;
    marginBp: number | null;
    discountFen?: number;
  }[];
  totals: Omit<MarginLike["rows"][number], "key" | "label">;
}
interface ReturnsLike {
  returns: { count: number; refundFen: number };
  byReason: { reason: string; count: number; refundFen: number }[];
  byAction: { action: string; count: number; amountFen: number }[];
  byCashier: {
    cashierId: string;
    name: string;
    returns: number;
    refundFen: number;
    voids: number;
    actionFen: number;
  }[];
}

const ACTION_ZH: Record<string, string> = {
  line_void: "删除商品行",
  sale_void: "整单作废",
  price_override: "改价",
  no_sale: "无销售开钱箱",
  return_without_receipt: "无小票退货",
  refund_to_cash: "现金退款",
  drawer_open: "开钱箱",
};

/** The rows of a report's file (header first, a total last where the report has one). */
export function reportRows(kind: ReportKind, report: unknown, lang: Lang): Cell[][] {
  const total = TOTAL[lang];
  switch (kind) {
    case "sales": {
      const r = report as SalesLike;
      const line = (x: SalesLike["totals"]): Cell[] => [
        n(x.saleCount),
        n(x.returnCount),
        yuan(x.grossFen),
        yuan(x.discountFen),
        yuan(x.netFen),
        yuan(x.taxFen),
        yuan(x.refundFen),
      ];
      return [
        [...HEAD.sales[lang]],
        ...r.rows.map((x): Cell[] => [x.key, x.label, ...line(x)]),
        [total, null, ...line(r.totals)],
      ];
    }
    case "tenders": {
      const r = report as TendersLike;
      return [
        [...HEAD.tenders[lang]],
        ...r.rows.map((x): Cell[] => [x.method, n(x.count), yuan(x.amountFen)]),
        [total, null, yuan(r.totalFen)],
      ];
    }
    case "margin": {
      const r = report as MarginLike;
      const line = (x: MarginLike["totals"]): Cell[] => [
        n(x.soldQty),
        n(x.returnedQty),
        yuan(x.revenueFen),
        yuan(x.costFen),
        yuan(x.marginFen),
        pct(x.marginBp),
        x.discountFen === undefined ? null : yuan(x.discountFen),
      ];
      return [
        [...HEAD.margin[lang]],
        ...r.rows.map((x): Cell[] => [x.key, x.label, ...line(x)]),
        [total, null, ...line(r.totals)],
      ];
    }
    case "returns": {
      const r = report as ReturnsLike;
      const zh = lang === "zh-CN";
      return [
        [...HEAD.returns[lang]],
        ...r.byReason.map((x): Cell[] => [
          zh ? "退货原因" : "Return reason",
          x.reason,
          n(x.count),
          yuan(x.refundFen),
        ]),
        [zh ? "退货合计" : "Returns total", null, n(r.returns.count), yuan(r.returns.refundFen)],
        ...r.byAction.map((x): Cell[] => [
          zh ? "收银操作" : "Till action",
          zh ? (ACTION_ZH[x.action] ?? x.action) : x.action,
          n(x.count),
          yuan(x.amountFen),
        ]),
        ...r.byCashier.map((x): Cell[] => [
          zh ? "收银员退货" : "Cashier returns",
          `${x.cashierId} ${x.name}`,
          n(x.returns),
          yuan(x.refundFen),
        ]),
        ...r.byCashier.map((x): Cell[] => [
          zh ? "收银员作废" : "Cashier voids",
          `${x.cashierId} ${x.name}`,
          n(x.voids),
          yuan(x.actionFen),
        ]),
      ];
    }
  }
}

const SHEET = {
  sales: { "zh-CN": "销售报表", en: "Sales" },
  tenders: { "zh-CN": "支付方式", en: "Tenders" },
  margin: { "zh-CN": "毛利报表", en: "Margin" },
  returns: { "zh-CN": "退货与作废", en: "Returns and voids" },
} as const;

/** The file: bytes, content type and a name saying what and when (sales-by-store-2026-12-01-2026-12-07.xlsx). */
export function reportFile(q: ReportFileQuery, report: unknown) {
  const rows = reportRows(q.report, report, q.lang);
  const what = q.by ? `${q.report}-by-${q.by}` : q.report;
  const name = `${what}${q.store ? `-${q.store}` : ""}-${q.from}-${q.to}`.replace(/[^A-Za-z0-9._-]/g, "_");
  if (q.format === "csv")
    return {
      bytes: new TextEncoder().encode(csv(rows)),
      contentType: "text/csv; charset=utf-8",
      filename: `${name}.csv`,
    };
  return {
    bytes: xlsx(SHEET[q.report][q.lang], rows, [14, 24, ...rows[0]!.slice(2).map(() => 14)]),
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    filename: `${name}.xlsx`,
  };
}
