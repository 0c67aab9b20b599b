// An item's supply at the till (issue 17 item 7): what the store knows itself (on hand, the
// replenishment state HQ sent down: suggested, ordered with its ETA, in transit, received) and
// what it asks HQ (the forecast of the days ahead and the SKU's open transfers: supply.query;
// a transfer from a nearby store: transfer.request). Questions to HQ need HQ online and fail
// fast with "unavailable" otherwise; the store's own part always answers.
import { type MessageType, type Payload, uuidv7 } from "@retail/protocol";
import { EdgeError, invalid } from "../errors.ts";
import type { HqLink } from "../link/hq-link.ts";
import { createLaneLimiter, HQ_LANE_LIMIT, type LaneLimit } from "./rate-limit.ts";

/** What the desk needs of the edge (edge.ts passes itself). */
export interface SupplyHost {
  readonly link: HqLink | undefined;
  readonly stock: { onHand(sku: string): number; replenishment(sku: string): unknown };
  readonly replica: { lookup: { products: { has(sku: string): boolean } } };
  readonly lanes: { view(id: string): { cashier?: { id: string } } };
}

type Reply = Payload<"supply.reply"> | Payload<"transfer.reply"> | Payload<"transfers.reply">;

export class SupplyDesk {
  private readonly waiting = new Map<string, (reply: Reply) => void>();
  /** Per lane, how often it may ask HQ (rate-limit.ts); real elapsed time, not the shop clock. */
  private readonly limiter;

  constructor(
    private readonly h: SupplyHost,
    limit: LaneLimit = HQ_LANE_LIMIT,
    now: () => number = () => performance.now(),
  ) {
    this.limiter = createLaneLimiter(limit, now);
  }

  /**
   * One question to HQ from `key` (a lane, or a terminal's address): refused with 429
   * too_many_attempts on field "hq" past the lane's limit, before anything is sent.
   */
  admit(key: string): void {
    const t = this.limiter.take(key);
    if (!t.ok) {
      const s = Math.ceil(t.retryAfterMs / 1000);
      throw new EdgeError("too_many_attempts", "hq", `${key} asked HQ too often: try again in ${s} s`);
    }
  }

  /** A reply from HQ (downlink.ts hands supply.reply and transfer.reply here). */
  onReply(
    env:
      | { type: "supply.reply"; payload: Payload<"supply.reply"> }
      | { type: "transfer.reply"; payload: Payload<"transfer.reply"> }
      | { type: "transfers.reply"; payload: Payload<"transfers.reply"> },
  ): void {
    const id = env.type === "transfer.reply" ? env.payload.requestId : env.payload.queryId;
    this.waiting.get(id)?.(env.payload);
  }

  private async ask<R extends Reply>(
    type: MessageType & ("supply.query" | "transfer.request" | "transfers.query" | "transfer.step"),
    id: string,
    payload:
      | Payload<"supply.query">
      | Payload<"transfer.request">
      | Payload<"transfers.query">
      | Payload<"transfer.step">,
    timeoutMs: number,
  ): Promise<R> {
    if (!this.h.link?.send(type, "query", payload as never))
      throw new EdgeError("unavailable", "hq", "HQ is not reachable; ask again when the store is online");
    try {
      return await new Promise<R>((resolve, reject) => {
        const t = setTimeout(
          () => reject(new EdgeError("unavailable", "hq", "HQ did not answer in time")),
          timeoutMs,
        );
        this.waiting.set(id, (r) => {
          clearTimeout(t);
          resolve(r as R);
        });
      });
    } finally {
      this.waiting.delete(id);
    }
  }

  private known(sku: string) {
    if (!this.h.replica.lookup.products.has(sku))
      throw new EdgeError("not_found", "sku", `no product ${sku}`);
  }

  /** HQ's part of an item's supply: the forecast of the days ahead and its open transfers. */
  async supply(sku: string, timeoutMs = 5000): Promise<Payload<"supply.reply">> {
    this.known(sku);
    const queryId = uuidv7();
    return this.ask<Payload<"supply.reply">>("supply.query", queryId, { queryId, sku }, timeoutMs);
  }

  /**
   * Asks HQ for a transfer of `qty` from a nearby store, on behalf of the lane's signed-in
   * cashier; answers the document HQ made (requested) or HQ's reason for refusing.
   */
  async requestTransfer(
    input: { laneId: string; sku: string; fromStoreId: string; qty: number; note?: string },
    timeoutMs = 5000,
  ): Promise<{ transferId: string; status: string }> {
    this.known(input.sku);
    const cashier = this.h.lanes.view(input.laneId).cashier;
    if (!cashier)
      throw new EdgeError("conflict", "laneId", "sign in at the lane before requesting a transfer");
    const requestId = uuidv7();
    const reply = await this.ask<Payload<"transfer.reply">>(
      "transfer.request",
      requestId,
      {
        requestId,
        fromStoreId: input.fromStoreId,
        sku: input.sku,
        qty: input.qty,
        requestedBy: cashier.id,
        ...(input.note ? { note: input.note } : {}),
      },
      timeoutMs,
    );
    if (reply.error || !reply.transferId)
      throw reply.error?.code === "not_found"
        ? new EdgeError("not_found", reply.error.field || "fromStoreId", reply.error.message)
        : invalid(reply.error?.field || "fromStoreId", reply.error?.message ?? "HQ refused the request");
    return { transferId: reply.transferId, status: reply.status ?? "requested" };
  }

  /** The store's transfers to ship (approved, out) and coming in (approved or shipped), from HQ. */
  async openTransfers(timeoutMs = 5000): Promise<Payload<"transfers.reply">["transfers"]> {
    const queryId = uuidv7();
    const r = await this.ask<Payload<"transfers.reply">>("transfers.query", queryId, { queryId }, timeoutMs);
    return r.transfers;
  }

  /**
   * Ships or receives a transfer with what the lane's signed-in cashier counted (a line not
   * named counted 0); HQ books it through the document (its stock.movement follows). The
   * document's new status, or HQ's reason as an error naming the field.
   */
  async stepTransfer(
    input: {
      laneId: string;
      transferId: string;
      step: "ship" | "receive";
      lines: { sku: string; qty: number }[];
    },
    timeoutMs = 5000,
  ): Promise<{ transferId: string; status: string }> {
    const cashier = this.h.lanes.view(input.laneId).cashier;
    if (!cashier)
      throw new EdgeError("conflict", "laneId", "sign in at the lane before shipping or receiving");
    const requestId = uuidv7();
    const reply = await this.ask<Payload<"transfer.reply">>(
      "transfer.step",
      requestId,
      { requestId, transferId: input.transferId, step: input.step, lines: input.lines, by: cashier.id },
      timeoutMs,
    );
    if (reply.error || !reply.status) {
      const e = reply.error;
      const field = e?.field || "transferId";
      const message = e?.message ?? "HQ refused the step";
      if (e?.code === "not_found") throw new EdgeError("not_found", field, message);
      if (e?.code === "forbidden") throw new EdgeError("forbidden", field, message);
      if (e?.code === "conflict") throw new EdgeError("conflict", field, message);
      throw invalid(field, message);
    }
    return { transferId: input.transferId, status: reply.status };
  }
}
