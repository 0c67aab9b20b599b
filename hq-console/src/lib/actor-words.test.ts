import { describe, expect, test } from "bun:test";
import { type ActorKey, actorText, cashierText } from "./actor-words.ts";
import * as actors from "./i18n/actors.ts";
import * as audit from "./i18n/audit.ts";

const dict = (lang: "zh" | "en") => ({ ...actors[lang], ...audit[lang] }) as Record<string, string>;
const say = (lang: "zh" | "en") => (k: ActorKey) => dict(lang)[k];

describe("actors in words", () => {
  test("every form the hub writes, zh-CN and English", () => {
    const forms = [
      "王芳 (hq_admin)",
      "east (regional_manager)",
      "system",
      "system (condition cleared)",
      "system (CAS defaults)",
      "auto-replenishment",
      "markdown-schedule",
      "store S001",
      "store S001 cashier 9001",
      "till:S001:9001",
      "store:S001/9001",
      "store:S001",
    ];
    expect(forms.map((a) => actorText(a, say("zh")))).toEqual([
      "王芳 (总部管理员)",
      "east (区域经理)",
      "系统",
      "系统（条件已解除）",
      "系统（企业会计准则默认科目）",
      "自动补货",
      "临期降价计划",
      "门店 S001",
      "门店 S001 收银员 9001",
      "门店 S001 收银员 9001",
      "门店 S001 收银员 9001",
      "门店 S001",
    ]);
    expect(forms.map((a) => actorText(a, say("en")))).toEqual([
      "王芳 (HQ admin)",
      "east (Regional manager)",
      "System",
      "System (condition cleared)",
      "System (CAS default accounts)",
      "Automatic replenishment",
      "Markdown schedule",
      "Store S001",
      "Store S001, cashier 9001",
      "Store S001, cashier 9001",
      "Store S001, cashier 9001",
      "Store S001",
    ]);
  });

  test("a name typed by a user, an unknown role or system reason, nothing at all", () => {
    expect(actorText("王芳", say("zh"))).toBe("王芳");
    expect(actorText("bob (janitor)", say("zh"))).toBe("bob (janitor)");
    expect(actorText("system (night job)", say("zh"))).toBe("系统 (night job)");
    expect(actorText("", say("zh"))).toBe("—");
    expect(actorText(null, say("zh"))).toBe("—");
    // A store's name holding braces is not read as a placeholder.
    expect(actorText("store {cashier}", say("zh"))).toBe("门店 {cashier}");
    // No dictionary entry: the actor as recorded.
    expect(actorText("auto-replenishment", () => undefined)).toBe("auto-replenishment");
  });

  test("a cashier by code alone", () => {
    expect(cashierText("9001", say("zh"))).toBe("收银员 9001");
    expect(cashierText("9001", say("en"))).toBe("Cashier 9001");
    expect(cashierText("王芳 (hq_admin)", say("zh"))).toBe("王芳 (总部管理员)");
    expect(cashierText(undefined, say("zh"))).toBe("—");
  });
});
