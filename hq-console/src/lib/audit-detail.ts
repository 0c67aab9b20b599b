// One line of a change set's audit trail in words (变更集 操作记录, issue 19 item 6). The hub answers
// each line with `what`: a kind and its params (ChangesetAuditDetailV1, rollout/audit-detail.ts
// in the hub), rows of older hubs read back from their sentence; both languages are made from
// those params here, never from the hub's English sentence. A sentence the hub could not read
// (kind "text") and text a user typed (a description, a void reason) are shown as written.
import type { ChangesetAuditDetailV1 } from "./api-types.ts";

/** The texts used, by key (the change-set screen's dictionary: i18n/changesets.ts). */
export type AuditWords = (key: AuditKey) => string;
export type AuditKey =
  | "csWhat_upsert"
  | "csWhat_delete"
  | "csWhat_import"
  | "csWhat_pilot"
  | "csWhat_pilotNone"
  | "csWhat_wholeTarget"
  | "csWhat_compensates"
  | "csWhat_compensatedBy"
  | "csWhat_couponsIssued"
  | "csWhat_couponsVoided"
  | "csWhat_priceChain"
  | "csWhat_priceRegion"
  | "csWhat_priceStore"
  | `csEntity_${Extract<ChangesetAuditDetailV1, { kind: "record" }>["entity"]}`
  | `csImport_${Extract<ChangesetAuditDetailV1, { kind: "import" }>["importKind"]}`;

const fill = (text: string, params: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));

/** A price's key (SKU|scope|scope key) as the SKU and where the price holds; other keys as they are. */
function recordKey(entity: string, key: string, w: AuditWords): string {
  if (entity !== "price") return key;
  const [sku, scope, scopeKey] = key.split("|");
  if (scope === "chain") return fill(w("csWhat_priceChain"), { sku: sku ?? key });
  if (scope === "region") return fill(w("csWhat_priceRegion"), { sku: sku ?? key, region: scopeKey ?? "" });
  if (scope === "store") return fill(w("csWhat_priceStore"), { sku: sku ?? key, store: scopeKey ?? "" });
  return key;
}

/** `about`: a change set the hub made, named in words (lib/changeset-about.ts). */
export function auditDetailWords(
  what: ChangesetAuditDetailV1,
  w: AuditWords,
  about?: (a: NonNullable<Extract<ChangesetAuditDetailV1, { kind: "created" }>["about"]>) => string,
): string {
  switch (what.kind) {
    case "created":
      return what.about && about ? about(what.about) : what.description;
    case "compensates":
      return fill(w("csWhat_compensates"), { id: what.changesetId });
    case "record":
      return fill(w(what.op === "upsert" ? "csWhat_upsert" : "csWhat_delete"), {
        entity: w(`csEntity_${what.entity}`),
        key: recordKey(what.entity, what.key, w),
      });
    case "import":
      return fill(w("csWhat_import"), { kind: w(`csImport_${what.importKind}`), rows: what.rows });
    case "pilot":
      return what.stores.length
        ? fill(w("csWhat_pilot"), { stores: what.stores.join(", ") })
        : w("csWhat_pilotNone");
    case "whole_target":
      return w("csWhat_wholeTarget");
    case "compensated_by":
      return fill(w("csWhat_compensatedBy"), { id: what.changesetId });
    case "points_rule":
      return w("csEntity_points_rule");
    case "coupons_issued":
      return fill(w("csWhat_couponsIssued"), { count: what.count, promotion: what.promotionId });
    case "coupons_voided":
      return fill(w("csWhat_couponsVoided"), { count: what.count, reason: what.reason });
    case "text":
      return what.text;
  }
}
