// The lifecycle of the sale on a lane, as a declared table (lifecycle/table.ts). The state is
// read off the lane's cart and its payment in flight (saleState); each service names the event
// it is about to cause and gets the next state or the refusal the till has always answered.
import type { Cart } from "@retail/protocol";
import { type Refusal, type TransitionTable, transition } from "../lifecycle/table.ts";

export type SaleState =
  /** Nothing in the cart. */
  | "empty"
  /** Lines, nothing paid. */
  | "building"
  /** Part paid (a tender that pays in full commits the sale at once). */
  | "tendering"
  /** A wallet payment in flight, nothing paid before it. */
  | "paying"
  /** A wallet payment in flight for the rest, after other tenders. */
  | "paying_rest"
  /** A return without receipt: returned items are scanned, refunded at shelf price. */
  | "returning"
  /** A return against a receipt: its lines are picked from the receipt. */
  | "returning_receipt"
  /** A wallet refund of the return in flight. */
  | "refunding";

export type SaleEvent =
  | "add_line"
  /** Quantity, member, coupons, order adjustment, price override: the lines stay. */
  | "edit"
  | "void_line"
  | "void_last_line"
  /** A tender that leaves something to pay. */
  | "tender"
  /** A tender that pays in full: the sale commits and the lane gets a fresh cart. */
  | "complete"
  | "pay_wallet"
  | "payment_answered"
  | "suspend"
  | "recall"
  | "void_sale"
  | "start_return"
  | "start_return_shelf"
  | "pick_return_line"
  | "refund_wallet"
  | "refund_answered"
  | "complete_return"
  | "cancel_return";

export const SALE_STATES: readonly SaleState[] = [
  "empty",
  "building",
  "tendering",
  "paying",
  "paying_rest",
  "returning",
  "returning_receipt",
  "refunding",
];

export const SALE_EVENTS: readonly SaleEvent[] = [
  "add_line",
  "edit",
  "void_line",
  "void_last_line",
  "tender",
  "complete",
  "pay_wallet",
  "payment_answered",
  "suspend",
  "recall",
  "void_sale",
  "start_return",
  "start_return_shelf",
  "pick_return_line",
  "refund_wallet",
  "refund_answered",
  "complete_return",
  "cancel_return",
];

const inFlight: Refusal = { field: "lane", message: "a payment is in progress on this lane" };
const inFlightReturn: Refusal = { field: "lane", message: "a payment or refund is in progress on this lane" };
const paid: Refusal = {
  field: "tenders",
  message: "payment has started: void the tenders before changing the basket",
};
const emptyCart: Refusal = { field: "cart", message: "the cart is empty" };
const doingReturn: Refusal = { field: "mode", message: "this lane is doing a return" };
const noReturn: Refusal = { field: "mode", message: "no return in progress" };
const noReceiptReturn: Refusal = { field: "mode", message: "no return against a receipt in progress" };
const finishFirst: Refusal = { field: "cart", message: "finish the current sale before a return" };
const notEmpty: Refusal = { field: "cart", message: "the lane's cart is not empty" };
const nothingToSuspend: Refusal = { field: "cart", message: "nothing to suspend" };
const cannotSuspend: Refusal = { field: "cart", message: "a paid or return cart cannot be suspended" };
const notAnswered: Refusal = { field: "paymentId", message: "no payment is in flight on this lane" };

/** Refusals every state not taking a payment shares (what each if-check answered). */
const common = {
  tender: emptyCart,
  complete: emptyCart,
  pay_wallet: emptyCart,
  payment_answered: notAnswered,
  refund_answered: notAnswered,
  suspend: nothingToSuspend,
  recall: notEmpty,
  start_return: finishFirst,
  start_return_shelf: finishFirst,
  pick_return_line: noReceiptReturn,
  refund_wallet: noReceiptReturn,
  complete_return: noReturn,
  cancel_return: noReturn,
} satisfies { [e in SaleEvent]?: Refusal };

/** A return is refunded, not paid. */
const returnTakesNoTender = { tender: doingReturn, complete: doingReturn, pay_wallet: doingReturn };

/** A payment in flight holds the lane: only its answer moves it on. */
const whilePaying = {
  field: inFlight.field,
  message: inFlight.message,
  events: { complete_return: inFlightReturn },
};

export const SALE_LIFECYCLE: TransitionTable<SaleState, SaleEvent> = {
  name: "sale",
  next: {
    empty: {
      add_line: "building",
      edit: "empty",
      // No line to void: the cart's own rule answers not_found on the line id.
      void_line: "empty",
      recall: "building",
      void_sale: "empty",
      start_return: "returning_receipt",
      start_return_shelf: "returning",
    },
    building: {
      add_line: "building",
      edit: "building",
      void_line: "building",
      void_last_line: "empty",
      tender: "tendering",
      complete: "empty",
      pay_wallet: "paying",
      suspend: "empty",
      void_sale: "empty",
    },
    tendering: {
      tender: "tendering",
      complete: "empty",
      pay_wallet: "paying_rest",
      void_sale: "empty",
    },
    paying: { payment_answered: "building" },
    paying_rest: { payment_answered: "tendering" },
    returning: {
      add_line: "returning",
      edit: "returning",
      void_line: "returning",
      void_last_line: "returning",
      void_sale: "empty",
      complete_return: "empty",
      cancel_return: "empty",
    },
    returning_receipt: {
      edit: "returning_receipt",
      // It has no scanned lines: the cart's own rule answers not_found on the line id.
      void_line: "returning_receipt",
      pick_return_line: "returning_receipt",
      refund_wallet: "refunding",
      void_sale: "empty",
      complete_return: "empty",
      cancel_return: "empty",
    },
    refunding: { refund_answered: "returning_receipt" },
  },
  refuse: {
    empty: { ...emptyCart, events: common },
    building: { ...paid, events: { ...common, suspend: cannotSuspend } },
    tendering: { ...paid, events: { ...common, suspend: cannotSuspend } },
    paying: whilePaying,
    paying_rest: whilePaying,
    returning: { ...doingReturn, events: { ...common, ...returnTakesNoTender, suspend: cannotSuspend } },
    returning_receipt: {
      ...doingReturn,
      events: {
        ...common,
        ...returnTakesNoTender,
        add_line: { field: "mode", message: "a return against a receipt takes lines from the receipt" },
      },
    },
    refunding: { ...inFlightReturn, events: { refund_wallet: inFlightReturn } },
  },
};

/** The sale's state on a lane: read off its cart and whether a payment or refund is in flight. */
export function saleState(cart: Cart, paymentInFlight?: string): SaleState {
  if (paymentInFlight) return cart.return ? "refunding" : cart.tenders.length ? "paying_rest" : "paying";
  if (cart.return) return cart.return.original ? "returning_receipt" : "returning";
  if (cart.tenders.length) return "tendering";
  return cart.lines.length ? "building" : "empty";
}

/** The state after `event` on this lane, or the TransitionError naming the state and event. */
export function saleTransition(
  lane: { cart: Cart; paymentInFlight?: string | undefined },
  event: SaleEvent,
): SaleState {
  return transition(SALE_LIFECYCLE, saleState(lane.cart, lane.paymentInFlight), event);
}
