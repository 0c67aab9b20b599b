// The purchase-order lifecycle table: every (status, event) pair either moves to the declared
// status or is refused with a TransitionError naming the status and the event.
import { expect, test } from "bun:test";
import { StateError } from "../errors.ts";
import { TransitionError } from "../lifecycle.ts";
import { ORDER_TRANSITIONS, type OrderEvent, type OrderStatus, orderLifecycle } from "./lifecycle.ts";
import { statusAfterReceipts } from "./plan.ts";

const STATUSES: OrderStatus[] = ["draft", "ordered", "received", "closed", "cancelled"];
const EVENTS: OrderEvent[] = ["send", "cancel", "close", "receive_all"];

test("a draft is sent or cancelled; an ordered one is received in full, closed short or cancelled", () => {
  expect(orderLifecycle.apply("PO-1", "draft", "send")).toBe("ordered");
  expect(orderLifecycle.apply("PO-1", "draft", "cancel")).toBe("cancelled");
  expect(orderLifecycle.apply("PO-1", "ordered", "receive_all")).toBe("received");
  expect(orderLifecycle.apply("PO-1", "ordered", "close")).toBe("closed");
  expect(orderLifecycle.apply("PO-1", "ordered", "cancel")).toBe("cancelled");
  for (const end of ["received", "closed", "cancelled"] as const)
    expect(orderLifecycle.eventsFrom(end)).toEqual([]);
});

test("every pair the table does not list is refused, naming the order, its status and the event", () => {
  let refused = 0;
  for (const status of STATUSES)
    for (const event of EVENTS) {
      const next = (ORDER_TRANSITIONS[status] as Partial<Record<OrderEvent, OrderStatus>>)[event];
      if (next !== undefined) {
        expect(orderLifecycle.apply("PO-9", status, event)).toBe(next);
        continue;
      }
      refused++;
      let err: unknown;
      try {
        orderLifecycle.apply("PO-9", status, event);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TransitionError);
      expect(err).toBeInstanceOf(StateError); // the HTTP layer answers 409
      const t = err as TransitionError;
      expect([t.id, t.state, t.event]).toEqual(["PO-9", status, event]);
      expect(t.message).toContain(`purchase order PO-9 is ${status}`);
    }
  expect(refused).toBe(STATUSES.length * EVENTS.length - 5);
});

test("the refusals keep the words the API has always answered with", () => {
  expect(() => orderLifecycle.apply("PO-2", "ordered", "send")).toThrow(
    "purchase order PO-2 is ordered, only a draft is sent",
  );
  expect(() => orderLifecycle.apply("PO-2", "received", "cancel")).toThrow(
    "purchase order PO-2 is received and cannot be cancelled",
  );
  expect(() => orderLifecycle.apply("PO-2", "draft", "close")).toThrow(
    "purchase order PO-2 is draft, only an ordered one is closed",
  );
});

test("receipts move only an ordered order, and only when every line is covered", () => {
  const lines = [
    { sku: "A", qty: 2, received: 2 },
    { sku: "B", qty: 1, received: 1 },
  ];
  expect(statusAfterReceipts("ordered", lines)).toBe("received");
  expect(statusAfterReceipts("ordered", [{ sku: "A", qty: 2, received: 1 }])).toBe("ordered");
  for (const s of ["draft", "received", "closed", "cancelled"] as const)
    expect(statusAfterReceipts(s, lines)).toBe(s);
});
