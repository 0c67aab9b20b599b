// The lane's receipt journal (newest first) and, after a restart, what became of the cart the
// till was paying (?cartId=): committed with its receipt, or not committed, basket restored.
import { invalid } from "../errors.ts";
import { type Api, newApi } from "../http/body.ts";
import type { Lanes } from "../lanes/lanes.ts";
import type { ReceiptJournal } from "./journal.ts";

export function journalRoutes(journal: ReceiptJournal, lanes: Lanes): Api {
  const api = newApi();
  api.get("/lanes/:lane/journal", (c) => {
    const limit = Number(c.req.query("limit") ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw invalid("limit", "1..200");
    return c.json({ receipts: journal.lane(c.req.param("lane"), limit) });
  });
  api.get("/lanes/:lane/last-sale", (c) => {
    const lane = c.req.param("lane");
    const cartId = c.req.query("cartId");
    if (cartId !== undefined && !/^[0-9a-f-]{36}$/.test(cartId)) throw invalid("cartId", "a cart id (uuid)");
    const cart = lanes.view(lane).cart;
    const current = { cartId: cart.cartId, lines: cart.lines.length };
    return c.json({
      last: journal.lane(lane, 1)[0] ?? null,
      ...(cartId ? journal.outcome(lane, cartId, current, lanes.restoredCarts) : {}),
    });
  });
  return api;
}
