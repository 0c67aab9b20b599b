// Suspend and recall: a basket parked (the customer fetches something) and picked up again on
// any lane (the customer may change queues). The lifecycle says which carts may be parked.
import { type LaneView, uuidv7 } from "@retail/protocol";
import { asc, eq } from "drizzle-orm";
import { suspended } from "../db/schema.ts";
import { notFound } from "../errors.ts";
import type { Lanes } from "../lanes/lanes.ts";
import type { Cart } from "./cart.ts";
import { emptyCart } from "./cart.ts";
import { saleTransition } from "./lifecycle.ts";

export class SuspendedCarts {
  constructor(private readonly lanes: Lanes) {}

  suspend(laneId: string): { suspendId: string; view: LaneView } {
    const rt = this.lanes.lane(laneId);
    saleTransition(rt, "suspend");
    const { iso } = this.lanes.now();
    const suspendId = rt.cart.cartId;
    const fresh = emptyCart(uuidv7(), iso);
    const db = this.lanes.d.db;
    db.write(() => {
      db.d
        .insert(suspended)
        .values({ id: suspendId, lane: laneId, data: JSON.stringify(rt.cart), suspendedAt: iso })
        .run();
      this.lanes.writeCart(laneId, fresh);
    });
    rt.cart = fresh;
    return { suspendId, view: this.lanes.changed(rt) };
  }

  list(): { id: string; lane: string; suspendedAt: string; lines: number }[] {
    return this.lanes.d.db.d
      .select()
      .from(suspended)
      .orderBy(asc(suspended.suspendedAt))
      .all()
      .map((r) => ({
        id: r.id,
        lane: r.lane,
        suspendedAt: r.suspendedAt,
        lines: (JSON.parse(r.data) as Cart).lines.length,
      }));
  }

  /** Recalls a suspended cart onto this lane (any lane: the customer may change queues). */
  recall(laneId: string, suspendId: string): LaneView {
    const rt = this.lanes.lane(laneId);
    saleTransition(rt, "recall");
    const db = this.lanes.d.db;
    const row = db.d
      .select({ data: suspended.data })
      .from(suspended)
      .where(eq(suspended.id, suspendId))
      .get();
    if (!row) throw notFound("suspendId", `no suspended cart ${suspendId}`);
    const cart = JSON.parse(row.data) as Cart;
    db.write(() => {
      db.d.delete(suspended).where(eq(suspended.id, suspendId)).run();
      this.lanes.writeCart(laneId, cart);
    });
    rt.cart = cart;
    return this.lanes.changed(rt);
  }
}
