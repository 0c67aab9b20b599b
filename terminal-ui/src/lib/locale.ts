// The display language as plain data, for code outside components (errors.ts, tests); the
// reactive copy the screens read is `i18n` in i18n.svelte.ts, and setLocale keeps both.
export type Locale = "zh-CN" | "en";
export const LOCALE_KEY = "terminal.locale";

function initial(): Locale {
  try {
    const q = new URLSearchParams(globalThis.location?.search ?? "").get("lang");
    if (q === "en" || q === "zh-CN") return q;
    const saved = globalThis.localStorage?.getItem(LOCALE_KEY);
    if (saved === "en" || saved === "zh-CN") return saved;
  } catch {
    // no storage: the default
  }
  return "zh-CN";
}

export const localeRef: { value: Locale } = { value: initial() };
