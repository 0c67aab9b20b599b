// Change sets in the chosen language: a title (the hub's data for a change set it made, else
// the description typed) and the audit trail's lines. The pure rules and their tests:
// changeset-about.ts, audit-detail.ts; the words: i18n/changesets.ts.
import type { ChangesetAboutV1, ChangesetAuditDetailV1 } from "./api-types.ts";
import { auditDetailWords } from "./audit-detail.ts";
import { type AboutKey, aboutWords, changesetTitle } from "./changeset-about.ts";
import { type Key, t } from "./i18n.svelte.ts";

const about = (k: AboutKey) => t(k);
const importKind = (k: string) => t(`csImport_${k}` as Key);

export function titleOf(cs: { description: string; about: ChangesetAboutV1 | undefined }): string {
  return changesetTitle(cs, about, importKind);
}

export function trailWords(what: ChangesetAuditDetailV1): string {
  return auditDetailWords(what, t, (a) => aboutWords(a, about, importKind));
}
