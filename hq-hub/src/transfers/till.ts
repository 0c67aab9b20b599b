// Transfers at the till (issue 17: shipping and receiving at the store, not only in the
// console). A store asks for its open transfers (transfers.query -> transfers.reply: approved
// ones it must ship, shipped ones on the road to it) and does a step with what it counted
// (transfer.step -> transfer.reply): the sender ships, the receiver receives, through the same
// document rules as the console (transfers.ts), so stock, cost and 1402 move exactly as there.
// A store may only step its own side of a document; a line the till did not name counted 0.
import type { Payload } from "@retail/protocol";
import { and, eq, inArray, or } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { products, stores, transferLines, transfers } from "../db/schema.ts";
import { NotFoundError, StateError } from "../errors.ts";
import type { StoreMovement, Transfers } from "./transfers.ts";

type Reply = Payload<"transfer.reply">;
type TransferStatus = NonNullable<Reply["status"]>;

export function createTillTransfers(deps: {
  db: Sqlite;
  transfers: Pick<Transfers, "get" | "ship" | "receive">;
  send: (storeId: string, movement: StoreMovement) => Promise<unknown> | unknown;
}) {
  const orm = openDrizzle(deps.db);

  /** The store's transfers it can act on or wait for: out approved (to ship), in approved or shipped. */
  function list(storeId: string, q: Payload<"transfers.query">): Payload<"transfers.reply"> {
    const rows = orm
      .select()
      .from(transfers)
      .where(
        or(
          and(eq(transfers.fromStoreId, storeId), eq(transfers.status, "approved")),
          and(eq(transfers.toStoreId, storeId), inArray(transfers.status, ["approved", "shipped"])),
        ),
      )
      .orderBy(transfers.createdAt)
      .limit(100)
      .all();
    const ids = rows.map((r) => r.id);
    const lines = ids.length
      ? orm
          .select({
            transferId: transferLines.transferId,
            sku: transferLines.sku,
            requested: transferLines.requestedQty,
            shipped: transferLines.shippedQty,
            name: products.name,
          })
          .from(transferLines)
          .leftJoin(products, eq(products.sku, transferLines.sku))
          .where(inArray(transferLines.transferId, ids))
          .all()
      : [];
    const others = [...new Set(rows.map((r) => (r.fromStoreId === storeId ? r.toStoreId : r.fromStoreId)))];
    const names = new Map(
      others.length
        ? orm
            .select({ id: stores.id, name: stores.name })
            .from(stores)
            .where(inArray(stores.id, others))
            .all()
            .map((s) => [s.id, s.name])
        : [],
    );
    return {
      queryId: q.queryId,
      transfers: rows.map((t) => {
        const other = t.fromStoreId === storeId ? t.toStoreId : t.fromStoreId;
        return {
          transferId: t.id,
          direction: t.fromStoreId === storeId ? ("out" as const) : ("in" as const),
          otherStoreId: other,
          otherStoreName: (names.get(other) ?? "").slice(0, 80),
          status: t.status as TransferStatus,
          at: t.shippedAt ?? t.approvedAt ?? t.createdAt,
          lines: lines
            .filter((l) => l.transferId === t.id)
            .slice(0, 200)
            .map((l) => ({
              sku: l.sku,
              name: (l.name ?? "").slice(0, 80),
              requested: l.requested,
              shipped: l.shipped,
            })),
        };
      }),
    };
  }

  /** Ships or receives with the till's counts; the document's new status, or why not. */
  async function step(storeId: string, p: Payload<"transfer.step">): Promise<Reply> {
    const refuse = (code: string, field: string, message: string): Reply => ({
      requestId: p.requestId,
      transferId: p.transferId,
      error: { code, field: field.slice(0, 64), message: message.slice(0, 300) },
    });
    let doc: ReturnType<Transfers["get"]>;
    try {
      doc = deps.transfers.get(p.transferId);
    } catch (e) {
      if (e instanceof NotFoundError) return refuse("not_found", "transferId", `no transfer ${p.transferId}`);
      throw e;
    }
    const side = p.step === "ship" ? doc.fromStoreId : doc.toStoreId;
    // A store steps only its own side: a forged id of another store's document moves nothing.
    if (side !== storeId)
      return refuse(
        "forbidden",
        "transferId",
        `${p.transferId} is ${p.step === "ship" ? "sent by" : "received at"} ${side}, not ${storeId}`,
      );
    // The same step again (a till that timed out and asked once more): the document is past it.
    const done: Record<typeof p.step, TransferStatus[]> = {
      ship: ["shipped", "received"],
      receive: ["received"],
    };
    if (done[p.step].includes(doc.status as TransferStatus))
      return { requestId: p.requestId, transferId: p.transferId, status: doc.status as TransferStatus };
    const counted = new Map<string, number>();
    for (const l of p.lines) {
      if (counted.has(l.sku)) return refuse("validation", `lines.${l.sku}`, `${l.sku} named twice`);
      counted.set(l.sku, l.qty);
    }
    const lines = doc.lines.map((l) => ({ sku: l.sku, qty: counted.get(l.sku) ?? 0 }));
    for (const sku of counted.keys())
      if (!doc.lines.some((l) => l.sku === sku))
        return refuse("validation", `lines.${sku}`, `${sku} is not on ${p.transferId}`);
    try {
      const actor = `till:${storeId}:${p.by}`;
      const r =
        p.step === "ship"
          ? deps.transfers.ship(p.transferId, { lines }, actor)
          : deps.transfers.receive(p.transferId, { lines }, actor);
      for (const m of r.movements) await deps.send(m.storeId, m);
      return {
        requestId: p.requestId,
        transferId: p.transferId,
        status: r.transfer.status as TransferStatus,
      };
    } catch (e) {
      const err = e as Error & { field?: string; details?: { field?: string } };
      if (e instanceof StateError)
        return refuse("conflict", String(err.details?.field ?? "status"), err.message);
      if ("field" in err) return refuse("validation", String(err.field ?? ""), err.message);
      throw e;
    }
  }

  return { list, step };
}

export type TillTransfers = ReturnType<typeof createTillTransfers>;
