// The transfer lifecycle as data: a request (from HQ or a store's till) is approved or
// rejected; an approved one is shipped (the sender's stock leaves: in transit, its cost in
// 1402) or cancelled; a shipped one is received (with differences). Nothing is undone after
// shipping: goods on the road are received, in full or short.
import { defineLifecycle } from "../lifecycle.ts";

export type TransferStatus = "requested" | "approved" | "shipped" | "received" | "rejected" | "cancelled";
export type TransferEvent = "approve" | "reject" | "cancel" | "ship" | "receive";

export const TRANSFER_STATUSES: readonly TransferStatus[] = [
  "requested",
  "approved",
  "shipped",
  "received",
  "rejected",
  "cancelled",
];

export const TRANSFER_TRANSITIONS = {
  requested: { approve: "approved", reject: "rejected", cancel: "cancelled" },
  approved: { ship: "shipped", cancel: "cancelled" },
  shipped: { receive: "received" },
  received: {},
  rejected: {},
  cancelled: {},
} as const satisfies Record<TransferStatus, Partial<Record<TransferEvent, TransferStatus>>>;

const REFUSALS: Record<TransferEvent, (id: string, s: TransferStatus) => string> = {
  approve: (id, s) => `transfer ${id} is ${s}, only a requested one is approved`,
  reject: (id, s) => `transfer ${id} is ${s}, only a requested one is rejected`,
  cancel: (id, s) => `transfer ${id} is ${s} and cannot be cancelled (only before it is shipped)`,
  ship: (id, s) => `transfer ${id} is ${s}, only an approved one is shipped`,
  receive: (id, s) => `transfer ${id} is ${s}, only a shipped one is received`,
};

export const transferLifecycle = defineLifecycle<TransferStatus, TransferEvent>(
  "transfer",
  TRANSFER_TRANSITIONS,
  (id, status, event) => REFUSALS[event](id, status),
);
