// Who did something, as the hub records it ("王芳 (hq_admin)", "store:S001"), with the role in
// words in the chosen language ("王芳（总部管理员）"): the role code never shows in zh-CN.
import { type Key, t } from "./i18n.svelte.ts";

export function actorWords(actor: string | null | undefined): string {
  if (!actor) return "—";
  const m = /^(.*) \((hq_admin|regional_manager|auditor|store_manager)\)$/.exec(actor);
  if (!m) return actor;
  const role = t(`role_${m[2]}` as Key) as string | undefined;
  return role ? `${m[1]} (${role})` : actor;
}
