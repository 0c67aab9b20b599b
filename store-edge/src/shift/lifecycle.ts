// The lifecycle of a lane's cashier and shift, as a declared table (lifecycle/table.ts): who is
// signed in, whether a shift is open, and what each state refuses (the words the till has
// always shown). The state is read off the lane's record (shiftState).
import { type Refusal, type TransitionTable, transition } from "../lifecycle/table.ts";

export type ShiftState = "signed_out" | "signed_in" | "open";

export type ShiftEvent =
  /** The lane's cashier signs in (again); another cashier over an open shift is refused first. */
  | "sign_in"
  | "sign_out"
  | "open_shift"
  /** Anything that needs the open shift: sell, tender, return, cash in/out, X report. */
  | "use"
  | "close_shift";

export const SHIFT_STATES: readonly ShiftState[] = ["signed_out", "signed_in", "open"];
export const SHIFT_EVENTS: readonly ShiftEvent[] = [
  "sign_in",
  "sign_out",
  "open_shift",
  "use",
  "close_shift",
];

const noCashier: Refusal = { field: "cashier", message: "no cashier is signed in on this lane" };

export const SHIFT_LIFECYCLE: TransitionTable<ShiftState, ShiftEvent> = {
  name: "shift",
  next: {
    signed_out: { sign_in: "signed_in", sign_out: "signed_out" },
    signed_in: { sign_in: "signed_in", sign_out: "signed_out", open_shift: "open" },
    // Closing the shift is the cashier's hand-over: signed out with it.
    open: { sign_in: "open", use: "open", close_shift: "signed_out" },
  },
  refuse: {
    signed_out: noCashier,
    signed_in: { field: "shift", message: "open a shift first" },
    open: {
      field: "shift",
      message: "a shift is already open on this lane",
      events: { sign_out: { field: "shift", message: "close the shift before signing out" } },
    },
  },
};

export function shiftState(record: {
  cashierId?: string | undefined;
  shiftId?: string | undefined;
}): ShiftState {
  if (!record.cashierId) return "signed_out";
  return record.shiftId ? "open" : "signed_in";
}

/** The state after `event` on this lane, or the TransitionError naming the state and event. */
export function shiftTransition(
  record: { cashierId?: string | undefined; shiftId?: string | undefined },
  event: ShiftEvent,
): ShiftState {
  return transition(SHIFT_LIFECYCLE, shiftState(record), event);
}
