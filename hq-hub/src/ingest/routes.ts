// The ingest administration API: dead letters (kept for inspection, replayed with a fix or
// discarded) and the re-pricing audit's findings. A regional manager sees its stores' only.
import { z } from "@hono/zod-openapi";
import { EventsAckV1 } from "@retail/protocol";
import type { RouteModule } from "../http/route.ts";
import { createDeadLetterReads } from "./dead-letters.ts";

const DeadLetter = z
  .object({
    id: z.number().int(),
    store_id: z.string(),
    seq: z.number().int().nullable(),
    topic: z.string(),
    reason: z.string(),
    field: z.string(),
    raw: z.string(),
    received_at: z.string(),
    status: z.string(),
    resolved_by: z.string().nullable(),
    resolved_at: z.string().nullable(),
  })
  .openapi("DeadLetter");
const PriceFinding = z
  .object({
    id: z.number().int(),
    store_id: z.string(),
    sale_id: z.string(),
    event_id: z.string(),
    catalog_version: z.number().int(),
    line_id: z.string().nullable(),
    field: z.string(),
    expected: z.string(),
    actual: z.string(),
    found_at: z.string(),
  })
  .openapi("PriceFinding");
/** What the replay's batch did, and the ack sent to the store. */
const Replayed = z
  .object({
    storeId: z.string(),
    ack: EventsAckV1,
    applied: z.number().int(),
    duplicates: z.number().int(),
    conflicts: z.number().int(),
    deadLettered: z.number().int(),
    /** Low-stock alerts the replayed events raised. */
    alerts: z.array(
      z.object({
        storeId: z.string(),
        sku: z.string(),
        onHand: z.number().int(),
        reorderPoint: z.number().int(),
      }),
    ),
  })
  .openapi("Replayed");
const ReplayInput = z.strictObject({ raw: z.string().optional() });

const tag = "ingest";

export const ingestRoutes: RouteModule = (r, hub, s) => {
  let reads: ReturnType<typeof createDeadLetterReads> | undefined;
  const deadLetters = () => (reads ??= createDeadLetterReads(hub.orm));
  r.route(
    {
      method: "get",
      path: "/api/v1/price-findings",
      summary: "Re-pricing audit findings, at most 1,000 (?store=; a regional manager: its stores')",
      access: "read",
      tag,
      query: z.object({ store: z.string().optional() }),
      response: z.array(PriceFinding),
    },
    ({ query, principal }) => s.storeScopedRows("price_findings", principal, query, 1000),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/dead-letters",
      summary: "Dead letters (status=open by default)",
      access: "read",
      tag,
      query: z.object({ status: z.string().default("open"), store: z.string().optional() }),
      response: z.array(DeadLetter),
    },
    ({ query, principal }) =>
      deadLetters().list({
        status: query.status,
        ...(query.store !== undefined ? { store: query.store } : {}),
        ...(principal.region !== undefined ? { region: principal.region } : {}),
      }),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/dead-letters/{id}",
      summary: "One dead letter with its raw payload",
      access: "read",
      tag,
      response: DeadLetter,
    },
    ({ params, principal }) => {
      const d = deadLetters().get(Number(params.id), params.id);
      s.authorizeStoreRead(principal, d.store_id);
      return d;
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/dead-letters/{id}/replay",
      summary: "Replay a dead letter, optionally with fixed raw JSON",
      access: "admin",
      tag,
      body: ReplayInput,
      response: Replayed,
    },
    async ({ params, body, principal }) => {
      const out = await hub.ingest.replay(Number(params.id), s.actor(principal), body.raw);
      await hub.send(out.storeId, "events.ack", out.ack);
      return out;
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/dead-letters/{id}/discard",
      summary: "Discard a dead letter",
      access: "admin",
      tag,
      response: z.object({ ok: z.literal(true) }),
    },
    ({ params, principal }) => {
      hub.ingest.discard(Number(params.id), s.actor(principal));
      return { ok: true };
    },
  );
};
