// The protocol's money caps at the till: a basket HQ would refuse is refused as it is built,
// naming the field, before any payment is taken.
import { describe, expect, test } from "bun:test";
import { MONEY_CAPS } from "@retail/protocol";
import { addLine, emptyCart, overridePrice, setQty } from "./cart.ts";

const item = (unitPrice: number, qty = 1) => ({
  sku: "P1",
  name: "商品",
  category: "10",
  qty,
  weighed: false,
  unitPrice,
  taxRate: 13 as const,
  priceVersion: 1,
});

describe("money caps in the cart", () => {
  test("a line or a basket above the caps is refused naming the field; at the cap is fine", () => {
    const cart = emptyCart("c1", "2026-11-25T09:00:00+08:00");
    expect(() => addLine(cart, item(MONEY_CAPS.unitPriceFen + 1))).toThrow("unitPrice");
    const one = addLine(cart, item(MONEY_CAPS.lineFen / 10, 10));
    expect(one.cart.lines[0]!.qty).toBe(10);
    expect(() => setQty(one.cart, one.lineId, 11)).toThrow("a line may come to at most 10000000 fen");
    expect(() => overridePrice(one.cart, one.lineId, MONEY_CAPS.lineFen, "9001", "x")).toThrow("qty");
    // Ten lines at the line cap make the sale cap; an eleventh is refused.
    let c = cart;
    for (let i = 0; i < 10; i++) c = addLine(c, { ...item(MONEY_CAPS.lineFen), sku: `P${i}` }).cart;
    expect(() => addLine(c, { ...item(1), sku: "PX" })).toThrow("a sale may come to at most 100000000 fen");
  });
});
