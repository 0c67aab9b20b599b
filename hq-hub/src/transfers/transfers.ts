// Transfers between stores as documents (issue 17 item 3): requested at HQ or from a store's
// till, approved or rejected, shipped (the sender's stock leaves and travels with its cost),
// received with differences; stock movements go down to each store as it happens. The rules of
// quantities and ledger rows are in rules.ts, the lifecycle in lifecycle.ts.
import { randomUUID } from "node:crypto";
import type { Payload } from "@retail/protocol";
import { and, desc, eq, inArray, like, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Costing } from "../costing/costing.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { costMovements, products, stockLevels, stores, transferLines, transfers } from "../db/schema.ts";
import { fromZod, NotFoundError, StateError } from "../errors.ts";
import type { Stock } from "../stock/stock.ts";
import { type TransferEvent, type TransferStatus, transferLifecycle } from "./lifecycle.ts";
import {
  checkCreate,
  receiveQuantities,
  receiveRows,
  shipQuantities,
  shipRows,
  TransferCreateInput,
  TransferQtyInput,
  transferNumber,
} from "./rules.ts";

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

/** What goes down to a store: its side of a shipped or received transfer. */
export interface StoreMovement {
  storeId: string;
  movement: Payload<"stock.movement">;
}

const CHINA_MS = 8 * 3_600_000;
const chinaDay = (d: Date) => new Date(d.getTime() + CHINA_MS).toISOString().slice(0, 10);
const OPEN: TransferStatus[] = ["requested", "approved", "shipped"];

export function createTransfers(deps: { db: Sqlite; now: () => Date; stock: Stock; costing: Costing }) {
  const { db, now, stock, costing } = deps;
  const orm = openDrizzle(db);

  const row = (id: string) => orm.select().from(transfers).where(eq(transfers.id, id)).get();
  const linesOf = (id: string) =>
    orm
      .select({
        sku: transferLines.sku,
        requestedQty: transferLines.requestedQty,
        shippedQty: transferLines.shippedQty,
        receivedQty: transferLines.receivedQty,
      })
      .from(transferLines)
      .where(eq(transferLines.transferId, id))
      .orderBy(transferLines.sku)
      .all();

  function mustExist(table: "store" | "SKU", id: string, field: string) {
    const found =
      table === "store"
        ? orm.select({ id: stores.id }).from(stores).where(eq(stores.id, id)).get()
        : orm.select({ id: products.sku }).from(products).where(eq(products.sku, id)).get();
    if (!found) throw Object.assign(new NotFoundError(table, id), { field });
  }

  /** A new document, requested; a till's request id repeated names the document it made. */
  function create(
    input: unknown,
    actor: string,
    opts: { origin?: "hq" | "till"; requestId?: string } = {},
  ): ReturnType<typeof get> {
    const r = TransferCreateInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const t = r.data;
    checkCreate(t);
    mustExist("store", t.from, "from");
    mustExist("store", t.to, "to");
    for (const l of t.lines) mustExist("SKU", l.sku, "lines.sku");
    const id = db
      .transaction(() => {
        if (opts.requestId) {
          const had = orm
            .select({ id: transfers.id })
            .from(transfers)
            .where(and(eq(transfers.toStoreId, t.to), eq(transfers.requestId, opts.requestId)))
            .get();
          if (had) return had.id;
        }
        const at = now();
        const day = chinaDay(at);
        const n =
          orm
            .select({ n: sql<number>`COUNT(*)` })
            .from(transfers)
            .where(like(transfers.id, `${transferNumber(day, 0).slice(0, 12)}%`))
            .get()?.n ?? 0;
        const id = transferNumber(day, n + 1);
        orm
          .insert(transfers)
          .values({
            id,
            fromStoreId: t.from,
            toStoreId: t.to,
            status: "requested",
            origin: opts.origin ?? "hq",
            requestId: opts.requestId ?? null,
            requestedBy: actor,
            note: t.note ?? "",
            createdAt: at.toISOString(),
            updatedBy: actor,
          })
          .run();
        for (const l of t.lines)
          orm.insert(transferLines).values({ transferId: id, sku: l.sku, requestedQty: l.qty }).run();
        return id;
      })
      .immediate() as string;
    return get(id);
  }

  /** Moves a document by `event` (the table decides), inside the caller's transaction. */
  function move(
    id: string,
    event: TransferEvent,
    actor: string,
    stamp: Partial<typeof transfers.$inferInsert>,
  ) {
    const t = row(id);
    if (!t) throw new NotFoundError("transfer", id);
    const next = transferLifecycle.apply(id, t.status as TransferStatus, event);
    orm
      .update(transfers)
      .set({ status: next, updatedBy: actor, ...stamp })
      .where(and(eq(transfers.id, id), eq(transfers.status, t.status)))
      .run();
    return t;
  }

  function approve(id: string, actor: string) {
    db.transaction(() => move(id, "approve", actor, { approvedAt: now().toISOString() })).immediate();
    return get(id);
  }
  function reject(id: string, actor: string) {
    db.transaction(() => move(id, "reject", actor, { closedAt: now().toISOString() })).immediate();
    return get(id);
  }
  function cancel(id: string, actor: string) {
    db.transaction(() => move(id, "cancel", actor, { closedAt: now().toISOString() })).immediate();
    return get(id);
  }

  /** Shipped: the sender's stock leaves (never below what HQ knows it holds); its movement to send down. */
  function ship(
    id: string,
    input: unknown,
    actor: string,
  ): { transfer: ReturnType<typeof get>; movements: StoreMovement[] } {
    const r = TransferQtyInput.safeParse(input ?? {});
    if (!r.success) throw fromZod(r.error);
    const at = now().toISOString();
    const movements = db
      .transaction(() => {
        const t = move(id, "ship", actor, { shippedAt: at });
        const lines = linesOf(id);
        const shipped = shipQuantities(lines, r.data);
        for (const [sku, q] of shipped) {
          if (q === 0) continue;
          const have =
            orm
              .select({ n: stockLevels.onHand })
              .from(stockLevels)
              .where(and(eq(stockLevels.storeId, t.fromStoreId), eq(stockLevels.sku, sku)))
              .get()?.n ?? 0;
          if (have < q)
            throw new StateError(id, `${t.fromStoreId} has ${have} of ${sku} on hand; cannot ship ${q}`, {
              field: `lines.${sku}`,
              onHand: have,
            });
        }
        for (const [sku, q] of shipped)
          orm
            .update(transferLines)
            .set({ shippedQty: q })
            .where(and(eq(transferLines.transferId, id), eq(transferLines.sku, sku)))
            .run();
        const rows = shipRows(t.fromStoreId, shipped);
        stock.append(rows, id, at);
        return [
          {
            storeId: t.fromStoreId,
            movement: {
              movementId: randomUUID(),
              kind: "transfer_out" as const,
              reference: id,
              lines: rows.map((l) => ({ sku: l.sku, qty: l.qty })),
              at,
            },
          },
        ];
      })
      .immediate() as StoreMovement[];
    return { transfer: get(id), movements };
  }

  /** Received with what actually arrived; the receiver's movement to send down. */
  function receive(
    id: string,
    input: unknown,
    actor: string,
  ): { transfer: ReturnType<typeof get>; movements: StoreMovement[] } {
    const r = TransferQtyInput.safeParse(input ?? {});
    if (!r.success) throw fromZod(r.error);
    const at = now().toISOString();
    const movements = db
      .transaction(() => {
        const t = move(id, "receive", actor, { receivedAt: at });
        const lines = linesOf(id);
        const got = receiveQuantities(lines, r.data);
        for (const [sku, q] of got)
          orm
            .update(transferLines)
            .set({ receivedQty: q })
            .where(and(eq(transferLines.transferId, id), eq(transferLines.sku, sku)))
            .run();
        stock.append(receiveRows(t.toStoreId, lines, got), id, at);
        const down = [...got].filter(([, q]) => q > 0).map(([sku, qty]) => ({ sku, qty }));
        return down.length
          ? [
              {
                storeId: t.toStoreId,
                movement: {
                  movementId: randomUUID(),
                  kind: "transfer_in" as const,
                  reference: id,
                  lines: down,
                  at,
                },
              },
            ]
          : [];
      })
      .immediate() as StoreMovement[];
    return { transfer: get(id), movements };
  }

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

  /** A document with its lines, their cost (in transit while shipped) and the stores' names. */
  function get(id: string) {
    const t = row(id);
    if (!t) throw new NotFoundError("transfer", id);
    const lines = linesOf(id);
    const c = costs([id]);
    const productNames = new Map(
      orm
        .select({ sku: products.sku, name: products.name })
        .from(products)
        .where(
          inArray(
            products.sku,
            lines.map((l) => l.sku),
          ),
        )
        .all()
        .map((p) => [p.sku, p.name]),
    );
    const n = names([t.fromStoreId, t.toStoreId]);
    const withCost = lines.map((l) => {
      const v = c.get(`${id}\u0000${l.sku}`) ?? { shippedFen: 0, receivedFen: 0, differenceFen: 0 };
      return {
        ...l,
        name: productNames.get(l.sku) ?? "",
        differenceQty: l.receivedQty === null || l.shippedQty === null ? null : l.receivedQty - l.shippedQty,
        shippedValueFen: v.shippedFen,
        differenceValueFen: v.differenceFen,
      };
    });
    const shippedFen = withCost.reduce((a, l) => a + l.shippedValueFen, 0);
    return {
      ...t,
      fromStoreName: n.get(t.fromStoreId) ?? "",
      toStoreName: n.get(t.toStoreId) ?? "",
      allowed: transferLifecycle.eventsFrom(t.status as TransferStatus),
      lines: withCost,
      shippedValueFen: shippedFen,
      /** What sits in 1402 for this document: the shipped value until it is received. */
      inTransitValueFen: t.status === "shipped" ? shippedFen : 0,
    };
  }

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

  /** A till's request (transfer.request): a document from the nearby store to the asking one, or why not. */
  function tillRequest(storeId: string, p: Payload<"transfer.request">): Payload<"transfer.reply"> {
    try {
      const t = create(
        { from: p.fromStoreId, to: storeId, note: p.note, lines: [{ sku: p.sku, qty: p.qty }] },
        `till:${storeId}:${p.requestedBy}`,
        { origin: "till", requestId: p.requestId },
      );
      return { requestId: p.requestId, transferId: t.id, status: t.status as TransferStatus };
    } catch (e) {
      const err = e as Error & { field?: string };
      const code =
        e instanceof NotFoundError ? "not_found" : e instanceof StateError ? "conflict" : "validation";
      if (!("field" in err) && !(e instanceof NotFoundError)) throw e;
      return {
        requestId: p.requestId,
        error: { code, field: String(err.field ?? "").slice(0, 64), message: err.message.slice(0, 300) },
      };
    }
  }

  return { create, approve, reject, cancel, ship, receive, get, list, openFor, tillRequest };
}

export type Transfers = ReturnType<typeof createTransfers>;
