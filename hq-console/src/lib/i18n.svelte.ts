// zh-CN first, English by a toggle: one typed dictionary, no i18n library. `t("key")` reads the
// current locale (a rune, so every screen re-renders when it changes); a missing English text
// is a type error, not a blank on screen. The choice is kept in localStorage. The texts live in
// one file per screen under lib/i18n/ (merged by lib/i18n/index.ts); add yours there, not here.
import { en, type Key, zh } from "./i18n/index.ts";

export type { Key };

export type Locale = "zh-CN" | "en";
const LOCALE_KEY = "hq-console-locale";

function initial(): Locale {
  try {
    return globalThis.localStorage?.getItem(LOCALE_KEY) === "en" ? "en" : "zh-CN";
  } catch {
    return "zh-CN";
  }
}

export const locale = $state<{ current: Locale }>({ current: initial() });

export function t(key: Key): string {
  return locale.current === "en" ? en[key] : zh[key];
}

export function toggleLocale(): void {
  locale.current = locale.current === "en" ? "zh-CN" : "en";
  try {
    localStorage.setItem(LOCALE_KEY, locale.current);
  } catch {
    // a private window without storage keeps the choice for this page only
  }
  document.documentElement.lang = locale.current;
}

/** Local date and time for an ISO timestamp, in the chosen locale. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale.current);
}
