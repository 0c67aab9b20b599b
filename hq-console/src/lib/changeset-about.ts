// A change set the hub made by itself (a CSV import, the member balance sync, a rollback's
// compensation, coupons, the points rule, expiry markdowns) named in words from the hub's data
// (`about`, ChangesetAboutV1 in hq-hub/src/rollout/changeset-about.ts) instead of the English
// description it writes. A description a user typed (about null) is shown as typed.
import type { ChangesetAboutV1 } from "./api-types.ts";

/** The generated type carries the field's null (the hub's schema is nullable where it is used). */
type About = NonNullable<ChangesetAboutV1>;

export type AboutKey = `csAbout_${About["kind"]}` | "csAbout_member_balances_n" | "csAbout_points_off";
export type AboutWords = (key: AboutKey) => string;

const fill = (text: string, params: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));

export function aboutWords(about: About, w: AboutWords, importKind: (k: string) => string): string {
  switch (about.kind) {
    case "edits":
      return w("csAbout_edits");
    case "import":
      return fill(w("csAbout_import"), { kind: importKind(about.importKind), rows: about.rows });
    case "member_balances":
      return about.members === null
        ? w("csAbout_member_balances")
        : fill(w("csAbout_member_balances_n"), { n: about.members });
    case "rollback":
      return fill(w("csAbout_rollback"), { id: about.changesetId });
    case "member_erased":
      return fill(w("csAbout_member_erased"), { member: about.memberId });
    case "points_rule":
      return about.pointsPerYuan === null
        ? w("csAbout_points_off")
        : fill(w("csAbout_points_rule"), { points: about.pointsPerYuan, share: about.maxSharePercent ?? 0 });
    case "coupons_issued":
      return fill(w("csAbout_coupons_issued"), { promotion: about.promotionId, n: about.count });
    case "coupons_spent":
      return fill(w("csAbout_coupons_spent"), { n: about.count });
    case "coupons_voided":
      return fill(w("csAbout_coupons_voided"), { n: about.count, reason: about.reason });
    case "markdowns":
      return fill(w("csAbout_markdowns"), { day: about.day, n: about.count });
  }
}

/** A change set's title: the hub's data in words, else the description as typed. */
export function changesetTitle(
  cs: { description: string; about: About | null | undefined },
  w: AboutWords,
  importKind: (k: string) => string,
): string {
  return cs.about ? aboutWords(cs.about, w, importKind) : cs.description;
}
