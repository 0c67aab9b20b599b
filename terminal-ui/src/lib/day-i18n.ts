// The date field's words (DateField.svelte), zh-CN first; kept beside the field, not in the
// shared dictionary (i18n.svelte.ts); it follows the same locale.
import type { DayProblem } from "./day.ts";
import { i18n } from "./i18n.svelte.ts";

const zh = {
  placeholder: "年-月-日",
  format: "日期格式应为 年-月-日，例如 2027-03-01",
  date: "没有这一天",
  range: "年份不对（2000–2099）",
};

const en: Record<keyof typeof zh, string> = {
  placeholder: "yyyy-mm-dd",
  format: "Type the date as yyyy-mm-dd, e.g. 2027-03-01",
  date: "No such day",
  range: "Year out of range (2000-2099)",
};

export function dayText(key: keyof typeof zh): string {
  return (i18n.locale === "en" ? en : zh)[key];
}

export function dayProblem(problem: DayProblem): string {
  return dayText(problem);
}
