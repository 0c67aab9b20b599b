// The stocktake session's lifecycle at HQ, as data. HQ opens a session at a store (requested)
// or the store opens its own (it reaches HQ already submitted); the store counts on its devices
// (counting and recounts are the store's part: store-edge/src/stocktake/) and submits once;
// HQ approves (the differences are posted as count adjustments) or rejects (nothing moves; the
// store counts again in a new session). HQ may cancel a session the store has not submitted; a
// count the store submits after that (it counted before it heard) is kept for inspection and
// never posted: "submit" on a cancelled session leaves it cancelled.
import { defineLifecycle } from "../lifecycle.ts";

export type StocktakeStatus = "requested" | "submitted" | "approved" | "rejected" | "cancelled";

export type StocktakeEvent = "submit" | "approve" | "reject" | "cancel";

export const STOCKTAKE_TRANSITIONS = {
  requested: { submit: "submitted", cancel: "cancelled" },
  submitted: { approve: "approved", reject: "rejected" },
  approved: {},
  rejected: {},
  cancelled: { submit: "cancelled" },
} as const satisfies Record<StocktakeStatus, Partial<Record<StocktakeEvent, StocktakeStatus>>>;

const REFUSALS: Record<StocktakeEvent, (id: string, status: StocktakeStatus) => string> = {
  submit: (id, s) => `stocktake ${id} is ${s}; its counts were already submitted`,
  approve: (id, s) => `stocktake ${id} is ${s}, only a submitted one is approved`,
  reject: (id, s) => `stocktake ${id} is ${s}, only a submitted one is rejected`,
  cancel: (id, s) => `stocktake ${id} is ${s}, only one the store has not submitted is cancelled`,
};

export const stocktakeLifecycle = defineLifecycle<StocktakeStatus, StocktakeEvent>(
  "stocktake",
  STOCKTAKE_TRANSITIONS,
  (id, status, event) => REFUSALS[event](id, status),
);
