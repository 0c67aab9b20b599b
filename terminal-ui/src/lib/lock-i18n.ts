// The lane lock screen's words (issue 20 item 4: a lane locked from HQ), zh-CN first. Kept
// beside the screen, not in the shared dictionary (i18n.svelte.ts); it follows the same locale.
import { i18n } from "./i18n.svelte.ts";

const zh = {
  lockTitle: "收银台 {lane} 已锁定",
  lockBy: "总部已锁定此收银台，暂停收银",
  lockReason: "原因：",
  lockNoReason: "总部未说明原因",
  lockSince: "锁定时间",
  lockHint: "请使用其他收银台。解锁后本屏幕自动恢复。",
  lockAfterSale: "总部已锁定此收银台：本单完成后将暂停收银",
};

const en: Record<keyof typeof zh, string> = {
  lockTitle: "Lane {lane} is locked",
  lockBy: "HQ has locked this lane: no sales here for now",
  lockReason: "Reason: ",
  lockNoReason: "HQ gave no reason",
  lockSince: "Locked at",
  lockHint: "Please use another lane. This screen clears by itself when HQ unlocks it.",
  lockAfterSale: "HQ has locked this lane: it stops after this sale",
};

export type LockKey = keyof typeof zh;

export function lt(key: LockKey, vars: Record<string, string> = {}): string {
  let s = (i18n.locale === "en" ? en : zh)[key];
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, v);
  return s;
}

/** "2026-12-07T13:40:05.000Z" -> "21:40" on the till's clock (the store's time). */
export function lockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}
