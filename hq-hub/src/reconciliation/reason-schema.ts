// The API's declaration of an item's reason as data (reason.ts): one object per code, the
// fields it names. Checked against reason.ts's types at compile time below.
import { z } from "@hono/zod-openapi";
import type { ItemReason, RowDetail } from "./reason.ts";

const provider = z.enum(["wechat", "alipay"]);
const docKind = z.enum(["sale", "return"]);
const fen = z.number().int();
const text = z.string().openapi({ description: "the value as the file writes it" });

const RowDetailOut = z
  .discriminatedUnion("code", [
    z.object({ code: z.literal("field_count"), fields: z.number().int(), header: z.number().int() }),
    z.object({ code: z.literal("not_yuan"), text }),
    z.object({ code: z.literal("fen_fraction"), text }),
    z.object({ code: z.literal("above_max"), text, maxYuan: z.number().int() }),
    z.object({ code: z.literal("not_positive"), text }),
    z.object({ code: z.literal("negative") }),
    z.object({ code: z.literal("wechat_status"), text }),
    z.object({ code: z.literal("alipay_type"), text }),
    z.object({ code: z.literal("not_transaction_id"), text }),
    z.object({ code: z.literal("empty") }),
    z.object({ code: z.literal("wechat_refund_id"), text }),
    z.object({ code: z.literal("alipay_refund_request"), text }),
    z.object({ code: z.literal("amount_sign"), rowType: z.string(), above: z.boolean(), text }),
    z.object({ code: z.literal("wrong_sign"), rowType: z.string(), text }),
    z.object({ code: z.literal("summary_missing") }),
    z.object({ code: z.literal("summary_total"), text, rowsFen: fen }),
    z.object({ code: z.literal("summary_count"), text, rows: z.number().int() }),
    z.object({ code: z.literal("not_gbk") }),
    z.object({ code: z.literal("not_date"), text, example: z.string() }),
    z.object({ code: z.literal("bank_in_out") }),
  ])
  .openapi("ReconRowDetail");

export const ItemReasonOut = z
  .discriminatedUnion("code", [
    z.object({ code: z.literal("matched") }),
    z.object({ code: z.literal("reversed") }),
    z.object({ code: z.literal("reversed_but_sold"), provider, hqFen: fen }),
    z.object({ code: z.literal("not_at_hq"), provider, fileFen: fen }),
    z.object({ code: z.literal("refund_not_at_hq"), provider, fileFen: fen, refundId: z.string() }),
    z.object({ code: z.literal("no_reference"), provider, docKind }),
    z.object({ code: z.literal("not_in_file"), provider, docKind, hqFen: fen }),
    z.object({ code: z.literal("amount_mismatch"), fileFen: fen, hqFen: fen, docKind, docId: z.string() }),
    z.object({ code: z.literal("refund_mismatch"), fileFen: fen, hqFen: fen, docKind, docId: z.string() }),
    z.object({
      code: z.literal("fee_mismatch"),
      feeFen: fen,
      dueFen: fen,
      ratePpm: z.number().int().openapi({ description: "the contracted rate in parts per million" }),
      amountFen: fen,
    }),
    z.object({
      code: z.literal("duplicate"),
      entryKind: z.enum(["payment", "refund", "reversed"]),
      firstRow: z.number().int(),
    }),
    z.object({ code: z.literal("bad_row"), row: z.number().int(), column: z.string(), detail: RowDetailOut }),
    z.object({
      code: z.literal("settlement_amount"),
      provider,
      on: z.string(),
      billDate: z.string(),
      bankFen: fen,
      billFen: fen,
    }),
    z.object({
      code: z.literal("settlement_missing"),
      provider,
      billDate: z.string(),
      billFen: fen,
      days: z.number().int(),
    }),
    z.object({ code: z.literal("unexpected_credit"), provider, on: z.string(), bankFen: fen }),
    z.object({
      code: z.literal("other_merchant"),
      provider,
      merchantId: z.string(),
      expected: z.array(z.string()),
    }),
    z.object({
      code: z.literal("other_store"),
      provider,
      fileStore: z.string(),
      hqStore: z.string(),
      docKind,
      docId: z.string(),
    }),
  ])
  .openapi("ReconReason");

// Both ways: the schema declares exactly reason.ts's types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const schemaMatchesTypes: [
  Same<z.infer<typeof ItemReasonOut>, ItemReason>,
  Same<z.infer<typeof RowDetailOut>, RowDetail>,
] = [true, true];
