// The till's screen on a thin client (1024x768): what is drawn must fit. `layoutFindings` reads
// the page as it is and names what does not: the page or a panel scrolling sideways, a button
// whose words are wider than it, a control outside the screen or cut off by a box that does not
// scroll, two controls on top of each other, a control covered by something else, and content
// wider than its box. Only the top layer is checked (the open dialog, else the screen), since a
// dialog covers the screen behind it on purpose.
import type { Page } from "playwright-core";

export async function layoutFindings(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const label = (el: Element) => {
      const id = el.getAttribute("data-testid");
      const words = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 24);
      return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ""}${words ? ` "${words}"` : ""}`;
    };
    const shown = (el: Element) => {
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && st.visibility !== "hidden" && st.display !== "none";
    };
    const px = (n: number) => Math.round(n);
    const scrolls = (v: string) => v === "auto" || v === "scroll";

    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1)
      out.push(`the page is wider than the screen (${root.scrollWidth} > ${root.clientWidth})`);
    if (document.body.scrollWidth > document.body.clientWidth + 1)
      out.push(
        `the body is wider than the screen (${document.body.scrollWidth} > ${document.body.clientWidth})`,
      );

    // The top layer: the lock screen (an alertdialog over everything), else the last dialog.
    const dialogs = [...document.querySelectorAll('[role="dialog"], [role="alertdialog"]')]
      .filter(shown)
      .sort(
        (a, b) =>
          Number(a.getAttribute("role") === "alertdialog") - Number(b.getAttribute("role") === "alertdialog"),
      );
    const layer: Element = dialogs.at(-1) ?? document.body;
    const all = [...layer.querySelectorAll("*")].filter(shown);

    for (const el of all) {
      const st = getComputedStyle(el);
      if (scrolls(st.overflowX) && el.scrollWidth > el.clientWidth + 1)
        out.push(`${label(el)} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
      // Content spilling out of a block box (inline boxes have no width of their own). Inputs
      // scroll their own text; a table cell's content is checked through its children.
      if (
        st.overflowX === "visible" &&
        st.display !== "inline" &&
        !["INPUT", "SELECT", "TEXTAREA", "svg", "IMG", "CANVAS"].includes(el.tagName) &&
        el.scrollWidth > el.clientWidth + 1 &&
        el.clientWidth > 0
      )
        out.push(`${label(el)}: content wider than its box (${el.scrollWidth} > ${el.clientWidth})`);
    }

    const controls = all.filter((el) =>
      el.matches('button, input:not([type="hidden"]), select, textarea, a[href], [role="tab"]'),
    );
    /** The part of the control that can be seen: cut by every clipping box up to the screen. */
    const visiblePart = (c: Element) => {
      const r = c.getBoundingClientRect();
      let box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
      let problem: string | undefined;
      let node: Element | null = c;
      while (node && node !== document.documentElement) {
        const fixed: boolean = getComputedStyle(node).position === "fixed";
        const a: Element | null = fixed ? null : node.parentElement;
        if (!a || a === document.documentElement) break;
        const s = getComputedStyle(a);
        const ar = a.getBoundingClientRect();
        if (s.overflowX !== "visible" && (r.left < ar.left - 0.5 || r.right > ar.right + 0.5))
          problem ??= `cut off sideways by ${label(a)}`;
        if (
          s.overflowY !== "visible" &&
          !scrolls(s.overflowY) &&
          (r.top < ar.top - 0.5 || r.bottom > ar.bottom + 0.5)
        )
          problem ??= `cut off by ${label(a)}, which does not scroll`;
        if (s.overflowX !== "visible" || s.overflowY !== "visible")
          box = {
            l: Math.max(box.l, ar.left),
            t: Math.max(box.t, ar.top),
            r: Math.min(box.r, ar.right),
            b: Math.min(box.b, ar.bottom),
          };
        node = a;
      }
      return { r, box, problem };
    };

    const seen: { c: Element; r: DOMRect }[] = [];
    for (const c of controls) {
      const { r, box, problem } = visiblePart(c);
      if (c.tagName === "BUTTON" && c.scrollWidth > c.clientWidth + 1)
        out.push(`${label(c)}: its words are wider than the button (${c.scrollWidth} > ${c.clientWidth})`);
      if (r.left < -0.5 || r.right > vw + 0.5 || r.top < -0.5 || r.bottom > vh + 0.5) {
        // Below the screen inside a box that scrolls is fine (the cart, a long list).
        if (r.left < -0.5 || r.right > vw + 0.5 || problem)
          out.push(
            `${label(c)} is outside the ${vw}x${vh} screen (${px(r.left)},${px(r.top)}..${px(r.right)},${px(r.bottom)})`,
          );
      }
      if (problem) out.push(`${label(c)} is ${problem}`);
      // Covered: whatever is drawn at the centre of its visible part must be the control itself.
      if (box.r - box.l > 2 && box.b - box.t > 2) {
        const x = (box.l + box.r) / 2;
        const y = (box.t + box.b) / 2;
        const hit = document.elementFromPoint(x, y);
        if (hit && hit !== c && !c.contains(hit) && !(hit instanceof HTMLLabelElement && hit.control === c))
          out.push(`${label(c)} is covered by ${label(hit)} at ${px(x)},${px(y)}`);
      }
      for (const o of seen) {
        if (o.c.contains(c) || c.contains(o.c)) continue;
        const w = Math.min(r.right, o.r.right) - Math.max(r.left, o.r.left);
        const h = Math.min(r.bottom, o.r.bottom) - Math.max(r.top, o.r.top);
        if (w > 1 && h > 1) out.push(`${label(c)} overlaps ${label(o.c)} (${px(w)}x${px(h)})`);
      }
      seen.push({ c, r });
    }
    return [...new Set(out)];
  });
}

/** Enum values the edge and HQ store that must be words on a zh-CN till screen. */
export const TILL_CODES = [
  "cashier",
  "supervisor",
  "active",
  "inactive",
  "issued",
  "redeemed",
  "void",
  "pending",
  "suggested",
  "ordered",
  "in_transit",
  "received",
  "covered",
  "requested",
  "approved",
  "shipped",
  "counting",
  "recount",
  "submitted",
  "percent_off",
  "special_price",
  "member_price",
  "multi_buy",
  "buy_x_get_y",
  "threshold",
  "basic",
  "silver",
  "gold",
  "platinum",
  "scanner",
  "scale",
  "printer",
  "drawer",
  "wechat",
  "alipay",
  "cash",
  "card",
  "online",
  "offline",
  "invalid",
  "not_found",
  "undefined",
  "null",
  "NaN",
  "[object Object]",
] as const;

/**
 * The raw codes a zh-CN till shows as whole words anywhere on the page (the screen and its
 * dialogs; not inputs' values or attributes), and any snake_case token (an enum value or an
 * error code leaking through). A code inside a hyphenated name is data, not a code shown as a
 * word (a device id such as sim-scanner-1).
 */
export async function rawCodesOn(page: Page, codes: readonly string[] = TILL_CODES): Promise<string[]> {
  const text = await page.locator("body").innerText();
  const found: string[] = codes.filter((c) =>
    new RegExp(`(^|[^A-Za-z0-9_-])${c.replace(/[[\]]/g, "\\$&")}($|[^A-Za-z0-9_-])`).test(text),
  );
  for (const m of text.matchAll(/(?:^|[^A-Za-z0-9_-])([a-z]+(?:_[a-z]+)+)(?=$|[^A-Za-z0-9_-])/g))
    if (m[1] && !found.includes(m[1])) found.push(m[1]);
  return found;
}
