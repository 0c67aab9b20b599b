// The purchase-order lifecycle as data: a draft is sent to the supplier (ordered) or
// cancelled; an ordered one is received in full (its receipts cover every line), closed short,
// or cancelled while nothing was received of it (a guard the service checks).
import { defineLifecycle } from "../lifecycle.ts";

export type OrderStatus = "draft" | "ordered" | "received" | "closed" | "cancelled";

export type OrderEvent = "send" | "cancel" | "close" | "receive_all";

export const ORDER_TRANSITIONS = {
  draft: { send: "ordered", cancel: "cancelled" },
  ordered: { receive_all: "received", close: "closed", cancel: "cancelled" },
  received: {},
  closed: {},
  cancelled: {},
} as const satisfies Record<OrderStatus, Partial<Record<OrderEvent, OrderStatus>>>;

const REFUSALS: Record<OrderEvent, (id: string, status: OrderStatus) => string> = {
  send: (id, s) => `purchase order ${id} is ${s}, only a draft is sent`,
  cancel: (id, s) => `purchase order ${id} is ${s} and cannot be cancelled`,
  close: (id, s) => `purchase order ${id} is ${s}, only an ordered one is closed`,
  receive_all: (id, s) => `purchase order ${id} is ${s}, only an ordered one is received`,
};

export const orderLifecycle = defineLifecycle<OrderStatus, OrderEvent>(
  "purchase order",
  ORDER_TRANSITIONS,
  (id, status, event) => REFUSALS[event](id, status),
);
