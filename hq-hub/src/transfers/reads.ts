// Reading transfers: the list (newest first, by store, status or region), the cost each
// document moved (from costing's cost_movements, caught up first), store names, and a store's
// open transfers of one SKU for its till.
import type { Payload } from "@retail/protocol";
import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Costing } from "../costing/costing.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { costMovements, stores, transferLines, transfers } from "../db/schema.ts";
import { fromZod } from "../errors.ts";
import type { TransferStatus } from "./lifecycle.ts";

export const TransferListQuery = z.object({
  store: z
    .string()
    .regex(/^[A-Z0-9]{1,16}$/)
    .optional(),
  status: z
    .enum(["requested", "approved", "shipped", "received", "rejected", "cancelled", "open"])
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const OPEN: TransferStatus[] = ["requested", "approved", "shipped"];

export function createTransferReads(deps: { db: Sqlite; costing: Pick<Costing, "catchUp"> }) {
  const { db, costing } = deps;
  const orm = openDrizzle(db);

  /** Cost per transfer and SKU: what left the sender, what the receiver took in, the difference's value. */
  function costs(ids: readonly string[]) {
    const out = new Map<string, { shippedFen: number; receivedFen: number; differenceFen: number }>();
    if (ids.length === 0) return out;
    costing.catchUp();
    const rows = orm
      .select({
        ref: costMovements.ref,
        sku: costMovements.sku,
        kind: costMovements.kind,
        value: sql<number>`SUM(${costMovements.valueFen} - ${costMovements.correctionFen})`,
      })
      .from(costMovements)
      .where(
        and(
          inArray(costMovements.ref, [...ids]),
          inArray(costMovements.kind, ["transfer_out", "transfer_in", "transfer_difference"]),
        ),
      )
      .groupBy(costMovements.ref, costMovements.sku, costMovements.kind)
      .all();
    for (const c of rows) {
      const key = `${c.ref}\u0000${c.sku}`;
      const v = out.get(key) ?? { shippedFen: 0, receivedFen: 0, differenceFen: 0 };
      if (c.kind === "transfer_out") v.shippedFen -= c.value;
      else if (c.kind === "transfer_in") v.receivedFen += c.value;
      else v.differenceFen += c.value;
      out.set(key, v);
    }
    return out;
  }

  const names = (ids: string[]) =>
    new Map(
      ids.length
        ? orm
            .select({ id: stores.id, name: stores.name })
            .from(stores)
            .where(inArray(stores.id, ids))
            .all()
            .map((s) => [s.id, s.name])
        : [],
    );

  /** Documents, newest first (a store's: either side; a region's: either side in it), with their totals. */
  function list(query: unknown, region?: string) {
    const r = TransferListQuery.safeParse(query ?? {});
    if (!r.success) throw fromZod(r.error);
    const q = r.data;
    const where = and(
      q.store ? or(eq(transfers.fromStoreId, q.store), eq(transfers.toStoreId, q.store)) : undefined,
      q.status === "open"
        ? inArray(transfers.status, OPEN)
        : q.status
          ? eq(transfers.status, q.status)
          : undefined,
      region
        ? or(
            inArray(
              transfers.fromStoreId,
              orm.select({ id: stores.id }).from(stores).where(eq(stores.region, region)),
            ),
            inArray(
              transfers.toStoreId,
              orm.select({ id: stores.id }).from(stores).where(eq(stores.region, region)),
            ),
          )
        : undefined,
    );
    const total = orm.select({ n: sql<number>`COUNT(*)` }).from(transfers).where(where).get()?.n ?? 0;
    const rows = orm
      .select()
      .from(transfers)
      .where(where)
      .orderBy(desc(transfers.createdAt), desc(transfers.id))
      .limit(q.limit)
      .offset(q.offset)
      .all();
    const ids = rows.map((t) => t.id);
    const c = costs(ids);
    const qty = new Map<string, { lines: number; requested: number; shipped: number; received: number }>();
    if (ids.length)
      for (const l of orm.select().from(transferLines).where(inArray(transferLines.transferId, ids)).all()) {
        const s = qty.get(l.transferId) ?? { lines: 0, requested: 0, shipped: 0, received: 0 };
        s.lines++;
        s.requested += l.requestedQty;
        s.shipped += l.shippedQty ?? 0;
        s.received += l.receivedQty ?? 0;
        qty.set(l.transferId, s);
      }
    const n = names([...new Set(rows.flatMap((t) => [t.fromStoreId, t.toStoreId]))]);
    const items = rows.map((t) => {
      let shippedFen = 0;
      for (const [k, v] of c) if (k.startsWith(`${t.id}\u0000`)) shippedFen += v.shippedFen;
      const s = qty.get(t.id) ?? { lines: 0, requested: 0, shipped: 0, received: 0 };
      return {
        id: t.id,
        fromStoreId: t.fromStoreId,
        fromStoreName: n.get(t.fromStoreId) ?? "",
        toStoreId: t.toStoreId,
        toStoreName: n.get(t.toStoreId) ?? "",
        status: t.status,
        origin: t.origin,
        requestedBy: t.requestedBy,
        createdAt: t.createdAt,
        lines: s.lines,
        requestedQty: s.requested,
        shippedQty: s.shipped,
        receivedQty: s.received,
        shippedValueFen: shippedFen,
        inTransitValueFen: t.status === "shipped" ? shippedFen : 0,
      };
    });
    return { total, items };
  }

  /** A store's open transfers of one SKU (for the till): in (to it) or out (from it). */
  function openFor(storeId: string, sku: string): Payload<"supply.reply">["transfers"] {
    return orm
      .select({
        id: transfers.id,
        from: transfers.fromStoreId,
        to: transfers.toStoreId,
        status: transfers.status,
        requested: transferLines.requestedQty,
        shipped: transferLines.shippedQty,
        at: transfers.createdAt,
      })
      .from(transfers)
      .innerJoin(transferLines, eq(transferLines.transferId, transfers.id))
      .where(
        and(
          eq(transferLines.sku, sku),
          inArray(transfers.status, OPEN),
          or(eq(transfers.fromStoreId, storeId), eq(transfers.toStoreId, storeId)),
        ),
      )
      .orderBy(desc(transfers.createdAt))
      .limit(50)
      .all()
      .map((t) => ({
        transferId: t.id,
        direction: t.to === storeId ? ("in" as const) : ("out" as const),
        otherStoreId: t.to === storeId ? t.from : t.to,
        status: t.status as TransferStatus,
        qty: t.shipped ?? t.requested,
        at: t.at,
      }));
  }

  return { costs, names, list, openFor };
}
