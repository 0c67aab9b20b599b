import { describe, expect, test } from "bun:test";
import type { ChangesetAuditDetailV1 } from "./api-types.ts";
import { type AuditKey, auditDetailWords } from "./audit-detail.ts";
import { en, zh } from "./i18n/changesets.ts";

const say = (lang: "zh" | "en") => (key: AuditKey) => (lang === "zh" ? zh : en)[key];
const words = (what: ChangesetAuditDetailV1, lang: "zh" | "en" = "zh") => auditDetailWords(what, say(lang));

describe("a change set's audit line in words", () => {
  test("records, with a price's key as its SKU and where it holds", () => {
    expect(words({ v: 1, kind: "record", op: "upsert", entity: "price", key: "100001|chain|" })).toBe(
      "保存价格 100001（全链统一价）",
    );
    expect(words({ v: 1, kind: "record", op: "upsert", entity: "price", key: "100001|region|east" })).toBe(
      "保存价格 100001（区域 east）",
    );
    expect(words({ v: 1, kind: "record", op: "delete", entity: "barcode", key: "6901234567892" })).toBe(
      "删除条码 6901234567892",
    );
    expect(
      words({ v: 1, kind: "record", op: "upsert", entity: "price", key: "100001|store|S001" }, "en"),
    ).toBe("saved price 100001 (store S001)");
    expect(words({ v: 1, kind: "record", op: "upsert", entity: "points_rule", key: "chain" })).toBe(
      "保存积分规则 chain",
    );
  });

  test("every other kind, both languages, no English word left in zh-CN", () => {
    const all: ChangesetAuditDetailV1[] = [
      { v: 1, kind: "created", description: "周末调价" },
      { v: 1, kind: "compensates", changesetId: 4 },
      { v: 1, kind: "import", importKind: "prices", rows: 12 },
      { v: 1, kind: "pilot", stores: ["S001", "S002"] },
      { v: 1, kind: "pilot", stores: [] },
      { v: 1, kind: "whole_target" },
      { v: 1, kind: "compensated_by", changesetId: 9 },
      { v: 1, kind: "points_rule" },
      { v: 1, kind: "coupons_issued", count: 50, promotionId: "P-MAN100" },
      { v: 1, kind: "coupons_voided", count: 3, reason: "活动取消" },
    ];
    expect(all.map((w) => words(w))).toEqual([
      "周末调价",
      "补偿（撤销）变更集 #4",
      "导入价格：12 行",
      "发布到试点门店：S001, S002",
      "发布到试点门店：目标内没有试点门店",
      "发布到目标内全部门店",
      "已由变更集 #9 补偿撤销",
      "积分规则",
      "发放 50 张优惠券（促销 P-MAN100）",
      "作废 3 张优惠券：活动取消",
    ]);
    expect(all.map((w) => words(w, "en"))).toEqual([
      "周末调价",
      "compensates (undoes) change set #4",
      "imported prices: 12 rows",
      "to pilot stores: S001, S002",
      "to pilot stores: none in the target",
      "to every store of the target",
      "undone by compensating change set #9",
      "points rule",
      "issued 50 coupons (promotion P-MAN100)",
      "voided 3 coupons: 活动取消",
    ]);
  });

  test("a sentence the hub could not read, and braces a user typed, are shown as written", () => {
    expect(words({ v: 1, kind: "text", text: "something an older hub said" })).toBe(
      "something an older hub said",
    );
    expect(words({ v: 1, kind: "coupons_voided", count: 1, reason: "{count} {reason}" })).toBe(
      "作废 1 张优惠券：{count} {reason}",
    );
  });
});
