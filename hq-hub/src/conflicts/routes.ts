// The conflicts API: store events HQ holds because another is committed under the same seq or
// id, both versions side by side, and the three resolutions (audited, then acked to the store).
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { ResolveInput } from "./rules.ts";

const EventConflict = z
  .object({
    id: z.number().int(),
    store_id: z.string(),
    seq: z.number().int(),
    event_id: z.string(),
    existing_event_id: z.string(),
    reason: z.enum(["same_seq_different_content", "same_id_different_content"]),
    existing_hash: z.string(),
    incoming_hash: z.string(),
    raw: z.string(),
    received_at: z.string(),
    /** open, or how it was resolved: take_store | keep_hq | keep_both (duplicate: same content). */
    status: z.string(),
    resolved_by: z.string().nullable(),
    resolved_at: z.string().nullable(),
    note: z.string().nullable(),
    committed_json: z.string().nullable(),
    applied_event_id: z.string().nullable(),
    applied_doc_id: z.string().nullable(),
  })
  .openapi("EventConflict");
/** The committed version as HQ holds it: its inbox row and the documents it created. */
const CommittedVersion = z
  .object({
    eventId: z.string(),
    found: z.boolean(),
    seq: z.number().int().optional(),
    type: z.string().optional(),
    occurredAt: z.string().optional(),
    receivedAt: z.string().optional(),
    hash: z.string().optional(),
    document: z
      .discriminatedUnion("kind", [
        z.object({
          kind: z.literal("sale"),
          /** The sales row with its lines and tenders. */
          sale: z.looseObject({
            sale_id: z.string(),
            receipt_no: z.string(),
            net_fen: z.number().int(),
            lines: z.array(z.record(z.string(), z.unknown())).optional(),
            tenders: z.array(z.record(z.string(), z.unknown())).optional(),
          }),
        }),
        z.object({ kind: z.literal("return"), ret: z.record(z.string(), z.unknown()) }),
        z.object({ kind: z.literal("training"), training: z.record(z.string(), z.unknown()) }),
      ])
      .optional(),
    stock: z.array(
      z.object({ sku: z.string(), qty_delta: z.number().int(), kind: z.string(), ref: z.string() }),
    ),
  })
  .openapi("CommittedVersion");
const EventConflictDetail = EventConflict.extend({
  committed: CommittedVersion,
  /** The incoming event as the store sent it (its envelope). */
  incoming: z.looseObject({
    id: z.string(),
    type: z.string(),
    seq: z.number().int(),
    /** The event's payload; for sale.completed its receipt number, totals and lines. */
    payload: z.looseObject({
      receiptNo: z.string().optional(),
      totals: z.looseObject({ net: z.number().int() }).optional(),
      lines: z.array(z.unknown()).optional(),
    }),
  }),
  audit: z.array(
    z.object({ choice: z.string(), actor: z.string(), at: z.string(), note: z.string().nullable() }),
  ),
}).openapi("EventConflictDetail");

const tag = "conflicts";

export const conflictRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/conflicts",
      summary:
        "Conflicts: same id or seq with different content, held until resolved (?store=, ?status=open|resolved; a regional manager: its stores')",
      access: "read",
      tag,
      query: z.object({ store: z.string().optional(), status: z.enum(["open", "resolved"]).optional() }),
      response: z.array(EventConflict),
    },
    ({ query, principal }) => {
      const rows = s.storeScopedRows("conflicts", principal, query) as { status: string }[];
      return query.status ? rows.filter((c) => (query.status === "open") === (c.status === "open")) : rows;
    },
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/conflicts/{id}",
      summary: "One conflict with both versions: the committed one as HQ holds it, the incoming one as sent",
      access: "read",
      tag,
      response: EventConflictDetail,
    },
    ({ params, principal }) => {
      const d = hub.conflicts.detail(Number(params.id));
      s.authorizeStoreRead(principal, d.store_id);
      return d;
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/conflicts/{id}/resolve",
      summary:
        "Resolve a conflict: take_store (the incoming replaces the committed), keep_hq, keep_both (the incoming as its own document); audited, then acked to the store",
      access: "admin",
      tag,
      body: ResolveInput,
      response: EventConflictDetail,
    },
    async ({ params, body, principal }) => {
      const d = hub.conflicts.resolve(Number(params.id), body.choice, s.actor(principal), body.note);
      // The seq is no longer held: this ack lets the store mark its event delivered.
      await hub.send(d.store_id, "events.ack", hub.ingest.ackFor(d.store_id));
      return d;
    },
  );
};
