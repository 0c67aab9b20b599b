// Who did something, as the hub records it ("王芳 (hq_admin)", "store S001", "auto-replenishment"),
// in words in the chosen language ("王芳 (总部管理员)", "门店 S001", "自动补货"): no stored code
// shows in zh-CN. The forms and their words: actor-words.ts (pure, tested).
import { type ActorKey, actorText, cashierText } from "./actor-words.ts";
import { type Key, t } from "./i18n.svelte.ts";

const words = (key: ActorKey) => t(key as Key) as string | undefined;

export function actorWords(actor: string | null | undefined): string {
  return actorText(actor, words);
}

/** A store cashier named by code alone ("9001" -> "收银员 9001"). */
export function cashierWords(code: string | null | undefined): string {
  return cashierText(code, words);
}
