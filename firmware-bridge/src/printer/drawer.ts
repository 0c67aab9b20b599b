// When the cash drawer may open: to take or give cash, or for a no-sale that a supervisor
// approved. Everything else (card and QR payments, returns paid back to the card) keeps it shut.

export type DrawerReason =
  | { kind: "tender"; tender: "cash" | "card" | "wechat" | "alipay" | "unionpay" | "voucher" | "member" }
  | { kind: "refund"; tender: "cash" | "card" | "wechat" | "alipay" | "unionpay" | "voucher" | "member" }
  | { kind: "no_sale" }
  | { kind: "cash_count" };

export function mayOpenDrawer(
  reason: DrawerReason,
  ctx: { supervisorApproved?: boolean } = {},
): { allowed: true } | { allowed: false; why: string } {
  switch (reason.kind) {
    case "tender":
    case "refund":
      return reason.tender === "cash"
        ? { allowed: true }
        : { allowed: false, why: `${reason.tender} needs no drawer` };
    case "no_sale":
    case "cash_count":
      return ctx.supervisorApproved
        ? { allowed: true }
        : { allowed: false, why: `${reason.kind} needs a supervisor` };
  }
}
