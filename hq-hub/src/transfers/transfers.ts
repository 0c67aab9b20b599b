// Transfers between stores as documents (issue 17 item 3): requested at HQ or from a store's
// till, approved or rejected, shipped (the sender's stock leaves and travels with its cost),
// received with differences; stock movements go down to each store as it happens. The rules of
// quantities and ledger rows are in rules.ts, the lifecycle in lifecycle.ts.
import { randomUUID } from "node:crypto";
import type { LotDelta, Payload } from "@retail/protocol";
import { and, eq, inArray, like, sql } from "drizzle-orm";
import type { Costing } from "../costing/costing.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { products, stockLevels, stores, transferLines, transfers } from "../db/schema.ts";
import { fromZod, NotFoundError, StateError } from "../errors.ts";
import type { Stock } from "../stock/stock.ts";
import { type TransferEvent, type TransferStatus, transferLifecycle } from "./lifecycle.ts";
import { createTransferReads } from "./reads.ts";
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

/** What goes down to a store: its side of a shipped or received transfer. */
export interface StoreMovement {
  storeId: string;
  movement: Payload<"stock.movement">;
}

const CHINA_MS = 8 * 3_600_000;
const chinaDay = (d: Date) => new Date(d.getTime() + CHINA_MS).toISOString().slice(0, 10);

/** Dated lots travelling with a transfer (batches/): drawn at the sender, brought to the receiver. */
export interface TransferLots {
  shipLots(id: string, from: string, sku: string, qty: number, at: string): LotDelta[] | undefined;
  receiveLots(id: string, to: string, sku: string, got: number, at: string): LotDelta[] | undefined;
}

export function createTransfers(deps: {
  db: Sqlite;
  now: () => Date;
  stock: Stock;
  costing: Costing;
  lots?: TransferLots;
}) {
  const { db, now, stock } = deps;
  const orm = openDrizzle(db);
  const { costs, names, list, openFor } = createTransferReads(deps);

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
        const lots = rows.map((l) => deps.lots?.shipLots(id, t.fromStoreId, l.sku, -l.qty, at));
        stock.append(rows, id, at);
        return [
          {
            storeId: t.fromStoreId,
            movement: {
              movementId: randomUUID(),
              kind: "transfer_out" as const,
              reference: id,
              lines: rows.map((l, i) => ({
                sku: l.sku,
                qty: l.qty,
                ...(lots[i] ? { batches: lots[i] } : {}),
              })),
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
        const down = [...got]
          .filter(([, q]) => q > 0)
          .map(([sku, qty]) => {
            const batches = deps.lots?.receiveLots(id, t.toStoreId, sku, qty, at);
            return { sku, qty, ...(batches?.length ? { batches } : {}) };
          });
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
export { TransferListQuery } from "./reads.ts";
