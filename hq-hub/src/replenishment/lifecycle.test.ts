// The purchase-order lifecycle table: its own transitions and the words of its refusals (every
// (state, event) pair of every HQ table is checked in src/lifecycle.test.ts).
import { expect, test } from "bun:test";
import { orderLifecycle } from "./lifecycle.ts";
import { statusAfterReceipts } from "./plan.ts";

test("a draft is sent or cancelled; an ordered one is received in full, closed short or cancelled", () => {
  expect(orderLifecycle.apply("PO-1", "draft", "send")).toBe("ordered");
  expect(orderLifecycle.apply("PO-1", "draft", "cancel")).toBe("cancelled");
  expect(orderLifecycle.apply("PO-1", "ordered", "receive_all")).toBe("received");
  expect(orderLifecycle.apply("PO-1", "ordered", "close")).toBe("closed");
  expect(orderLifecycle.apply("PO-1", "ordered", "cancel")).toBe("cancelled");
  expect(orderLifecycle.apply("PO-1", "ordered", "ship")).toBe("in_transit");
  expect(orderLifecycle.apply("PO-1", "in_transit", "receive_all")).toBe("received");
  expect(orderLifecycle.apply("PO-1", "in_transit", "close")).toBe("closed");
  // Goods on the road are not cancelled: they are received, or the order is closed short.
  expect(() => orderLifecycle.apply("PO-1", "in_transit", "cancel")).toThrow(
    "is in_transit and cannot be cancelled",
  );
  for (const end of ["received", "closed", "cancelled"] as const)
    expect(orderLifecycle.eventsFrom(end)).toEqual([]);
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
  expect(statusAfterReceipts("in_transit", lines)).toBe("received");
  for (const s of ["draft", "received", "closed", "cancelled"] as const)
    expect(statusAfterReceipts(s, lines)).toBe(s);
});
