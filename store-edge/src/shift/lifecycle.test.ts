import { describe, expect, test } from "bun:test";
import { TransitionError, transition } from "../lifecycle/table.ts";
import {
  SHIFT_EVENTS,
  SHIFT_LIFECYCLE,
  SHIFT_STATES,
  type ShiftEvent,
  type ShiftState,
  shiftState,
} from "./lifecycle.ts";

const t = (s: ShiftState, e: ShiftEvent) => transition(SHIFT_LIFECYCLE, s, e);
function refusal(s: ShiftState, e: ShiftEvent): string {
  try {
    t(s, e);
  } catch (err) {
    const x = err as TransitionError;
    expect(x).toBeInstanceOf(TransitionError);
    expect([x.lifecycle, x.state, x.event, x.status]).toEqual(["shift", s, e, 409]);
    return x.message;
  }
  return "allowed";
}

describe("shift lifecycle table", () => {
  test("every state answers every event", () => {
    for (const s of SHIFT_STATES)
      for (const e of SHIFT_EVENTS) {
        const r = refusal(s, e);
        if (r === "allowed") expect(SHIFT_STATES).toContain(t(s, e));
      }
  });

  test("sign in, open, sell, close (which signs out), and what each state refuses", () => {
    expect(t("signed_out", "sign_in")).toBe("signed_in");
    expect(t("signed_in", "open_shift")).toBe("open");
    expect(t("open", "use")).toBe("open");
    expect(t("open", "sign_in")).toBe("open");
    expect(t("open", "close_shift")).toBe("signed_out");
    expect(t("signed_in", "sign_out")).toBe("signed_out");
    expect(refusal("signed_out", "open_shift")).toBe("cashier: no cashier is signed in on this lane");
    expect(refusal("signed_out", "use")).toBe("cashier: no cashier is signed in on this lane");
    expect(refusal("signed_in", "use")).toBe("shift: open a shift first");
    expect(refusal("signed_in", "close_shift")).toBe("shift: open a shift first");
    expect(refusal("open", "open_shift")).toBe("shift: a shift is already open on this lane");
    expect(refusal("open", "sign_out")).toBe("shift: close the shift before signing out");
  });

  test("the state is read off the lane's record", () => {
    expect(shiftState({})).toBe("signed_out");
    expect(shiftState({ cashierId: "1001" })).toBe("signed_in");
    expect(shiftState({ cashierId: "1001", shiftId: "s" })).toBe("open");
  });
});
