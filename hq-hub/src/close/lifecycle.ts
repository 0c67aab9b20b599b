// The month-end close of one accounting period as a declared lifecycle: open -> checking (the
// checklist is run) -> closed (only when every step passes: close.ts guards that), and back to
// open by an hq_admin's reopen, which needs a reason and is audited (close_audit).
import { defineLifecycle, type TransitionTable } from "../lifecycle.ts";

export const CLOSE_STATES = ["open", "checking", "closed"] as const;
export type CloseState = (typeof CLOSE_STATES)[number];
export const CLOSE_EVENTS = ["check", "cancel", "close", "reopen"] as const;
export type CloseEvent = (typeof CLOSE_EVENTS)[number];

export const CLOSE_TRANSITIONS: TransitionTable<CloseState, CloseEvent> = {
  // Running the checklist starts the close; running it again keeps it checking.
  open: { check: "checking" },
  checking: { check: "checking", cancel: "open", close: "closed" },
  // A closed month is reopened (hq_admin, with a reason), never checked or closed again as is.
  closed: { reopen: "open" },
};

export const closeLifecycle = defineLifecycle(
  "period",
  CLOSE_TRANSITIONS,
  (id, state, event) => `period ${id} is ${state}; ${event} is not allowed`,
);
