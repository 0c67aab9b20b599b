// The voucher export API: a company's vouchers over a date range as Kingdee (金蝶) or Yonyou
// (用友) import files, or plain CSV / XLSX; and the exports made so far. hq_admin and auditors
// read the books: any role may download (a regional manager's region is not a company).
import { z } from "@hono/zod-openapi";
import { ForbiddenError } from "../errors.ts";
import type { RouteModule } from "../http/route.ts";
import { FORMATS } from "./formats.ts";

const tag = "export";
const Day = z.iso.date({ message: "a date YYYY-MM-DD" });
const ExportQuery = z.object({
  from: Day,
  to: Day,
  company: z.string().max(32).default("default"),
  format: z.enum(FORMATS),
});
const ExportRecord = z
  .object({
    id: z.number().int(),
    companyId: z.string(),
    fromDay: z.string(),
    toDay: z.string(),
    format: z.string(),
    vouchers: z.number().int(),
    lines: z.number().int(),
    debitFen: z.number().int(),
    maxVoucherId: z.number().int(),
    exportedBy: z.string(),
    exportedAt: z.string(),
  })
  .openapi("VoucherExportRecord");

export const exportRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/finance/export",
      summary:
        "A company's vouchers dated from..to as a file: format kingdee (金蝶 凭证引入 .xlsx), yonyou (用友 U8 凭证引入 .txt, GBK), csv or xlsx (every field); recorded for the close",
      access: "read",
      tag,
      query: ExportQuery,
      response: z.string().openapi({ description: "the file (Content-Disposition names it)" }),
    },
    ({ query, principal }) => {
      // The books of a company span regions: a regional manager gets its region's reports, not the ledger.
      if (principal.role === "regional_manager")
        throw new ForbiddenError(
          "voucher export is for hq_admin and auditors (a company's books span regions)",
        );
      const f = hub.voucherExport.exportVouchers(query, s.actor(principal));
      return new Response(f.bytes, {
        headers: {
          "content-type": f.contentType,
          "content-disposition": `attachment; filename="${f.filename}"`,
          "x-vouchers": String(f.vouchers),
          "x-debit-fen": String(f.debitFen),
        },
      });
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/finance/exports",
      summary: "Voucher exports made so far, newest first",
      access: "read",
      tag,
      query: z.object({ company: z.string().max(32).optional() }),
      response: z.array(ExportRecord),
    },
    ({ query }) => hub.voucherExport.history(query.company),
  );
};
