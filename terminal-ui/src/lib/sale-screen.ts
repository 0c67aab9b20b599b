// The sale screen's function keys (the dialog each opens, its label, whether it needs a line)
// and the panel shown once a sale or a return is done.
import { t } from "./i18n.svelte.ts";

export type DialogName =
  | "help"
  | "qty"
  | "void"
  | "override"
  | "member"
  | "coupon"
  | "suspend"
  | "return"
  | "stock"
  | "pay"
  | "shift"
  | "voidSale"
  | "orderAdjust";

/** The dialogs SaleDialogs.svelte draws (the others are components of their own). */
export const SMALL_DIALOGS: readonly DialogName[] = [
  "help",
  "qty",
  "void",
  "voidSale",
  "override",
  "member",
  "coupon",
  "suspend",
  "return",
];

export const FKEYS: { key: string; label: () => string; name: DialogName; needsLine?: boolean }[] = [
  { key: "F1", label: () => t("help"), name: "help" },
  { key: "F2", label: () => t("qty"), name: "qty", needsLine: true },
  { key: "F3", label: () => t("voidLine"), name: "void", needsLine: true },
  { key: "F4", label: () => t("override"), name: "override", needsLine: true },
  { key: "F5", label: () => t("member"), name: "member" },
  { key: "F6", label: () => t("coupon"), name: "coupon" },
  { key: "F7", label: () => t("suspendRecall"), name: "suspend" },
  { key: "F8", label: () => t("returns"), name: "return" },
  { key: "F9", label: () => t("stock"), name: "stock" },
  { key: "F10", label: () => t("pay"), name: "pay", needsLine: true },
  { key: "F11", label: () => t("voidSale"), name: "voidSale", needsLine: true },
  { key: "F12", label: () => t("shiftMenu"), name: "shift" },
];

/** The panel after a sale or a return: the receipt, the change or the refund. */
export interface Done {
  kind: "sale" | "return";
  receiptNo: string;
  amount: number;
  change: number;
  refundedTo?: string;
}
