// The purchase-order lifecycle as data: a draft is sent to the supplier (ordered) or
// cancelled; an ordered one is shipped (the supplier's shipping notice: in transit), received
// in full (its receipts cover every line), closed short, or cancelled while nothing was
// received of it (a guard the service checks); goods in transit are received or closed short.
import { defineLifecycle } from "../lifecycle.ts";

export type OrderStatus = "draft" | "ordered" | "in_transit" | "received" | "closed" | "cancelled";

export type OrderEvent = "send" | "ship" | "cancel" | "close" | "receive_all";

export const ORDER_TRANSITIONS = {
  draft: { send: "ordered", cancel: "cancelled" },
  ordered: { ship: "in_transit", receive_all: "received", close: "closed", cancel: "cancelled" },
  in_transit: { receive_all: "received", close: "closed" },
  received: {},
  closed: {},
  cancelled: {},
} as const satisfies Record<OrderStatus, Partial<Record<OrderEvent, OrderStatus>>>;

const REFUSALS: Record<OrderEvent, (id: string, status: OrderStatus) => string> = {
  send: (id, s) => `purchase order ${id} is ${s}, only a draft is sent`,
  cancel: (id, s) => `purchase order ${id} is ${s} and cannot be cancelled`,
  ship: (id, s) => `purchase order ${id} is ${s}, only an ordered one is shipped`,
  close: (id, s) => `purchase order ${id} is ${s}, only an ordered one is closed`,
  receive_all: (id, s) => `purchase order ${id} is ${s}, only an ordered one is received`,
};

export const orderLifecycle = defineLifecycle<OrderStatus, OrderEvent>(
  "purchase order",
  ORDER_TRANSITIONS,
  (id, status, event) => REFUSALS[event](id, status),
);
