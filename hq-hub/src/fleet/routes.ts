// The fleet API: each store's status, the alerts a person must see (session takeovers, refused
// enrollment addresses, till PIN abuse, edge storage) and the restored/replaced edge alerts.
import { z } from "@hono/zod-openapi";
import { StoreStatusV1 } from "@retail/protocol";
import { ValidationError } from "../errors.ts";
import type { RouteModule } from "../http/route.ts";

const Range = z.object({ from: z.number().int(), to: z.number().int() });

export const FleetRow = z
  .object({
    storeId: z.string(),
    name: z.string(),
    region: z.string(),
    ring: z.string(),
    enrollmentState: z.string(),
    state: z.enum(["online", "offline", "never_seen"]),
    lastSeenAt: z.string().optional(),
    appVersion: z.string().optional(),
    catalogVersion: z.number().int().optional(),
    outboxBacklog: z.number().int().optional(),
    oldestUnackedAgeSec: z.number().optional(),
    lastSeq: z.number().int().optional(),
    ackedSeq: z.number().int(),
    devices: StoreStatusV1.shape.devices,
    /** The edge database the store last said hello from. */
    instanceId: z.string().optional(),
    /** Open alerts of a restored, replaced or re-enrolled edge. */
    openResyncs: z.number().int(),
    /** Open fleet alerts of the store (session takeovers). */
    openAlerts: z.number().int(),
    /** A credential rotation the store has not completed yet. */
    rotationPendingSince: z.string().optional(),
    /** The edge's data folder, from its last status. */
    diskFreeBytes: z.number().int().optional(),
    diskTotalBytes: z.number().int().optional(),
    /** The edge's clock minus HQ's (seconds), from its last telemetry. */
    clockSkewSec: z.number().int().optional(),
  })
  .openapi("FleetRow");

const ResyncAlert = z
  .object({
    id: z.number().int(),
    storeId: z.string(),
    kind: z.enum(["replaced", "behind", "diverged", "re_enrolled"]),
    instanceId: z.string().optional(),
    previousInstanceId: z.string().optional(),
    edgeLastSeq: z.number().int().optional(),
    edgeAckedUpTo: z.number().int().optional(),
    hqHeadSeq: z.number().int(),
    hqMaxSeq: z.number().int(),
    newFrom: z.number().int().optional(),
    shift: z.number().int(),
    lost: z.array(Range),
    /** Seqs the database that is gone had numbered but HQ never received (its last status). */
    unreceived: Range.optional(),
    detail: z.string(),
    at: z.string(),
    status: z.enum(["open", "resolved"]),
    resolvedBy: z.string().optional(),
    resolvedAt: z.string().optional(),
  })
  .openapi("ResyncAlert");

const FleetAlert = z
  .object({
    id: z.number().int(),
    kind: z.enum([
      "session_takeover",
      "enrollment_rate_limited",
      "till_pin_abuse",
      "edge_storage",
      "certificate_recovered",
      "store_offline",
      "outbox_backlog",
      "unacked_age",
      "disk_low",
      "device_error",
      "clock_skew",
      "catalog_behind",
    ]),
    storeId: z.string().optional(),
    subject: z.string(),
    openedAt: z.string(),
    lastAt: z.string(),
    count: z.number().int(),
    detail: z.looseObject({
      newAddress: z.string().optional(),
      oldAddress: z.string().optional(),
      addresses: z.array(z.string()).optional(),
      flapping: z.boolean().optional(),
      /** till_pin_abuse: codes locked, LAN addresses throttled, the last of them. */
      locks: z.number().int().optional(),
      throttles: z.number().int().optional(),
      lastLane: z.string().optional(),
      lastDetail: z.string().optional(),
      /** enrollment_rate_limited: the refused address and its wrong codes. */
      address: z.string().optional(),
      wrongCodes: z.number().int().optional(),
      /** edge_storage: SQLite's code and the writes refused so far. */
      lastError: z.string().optional(),
      failures: z.number().int().optional(),
      /** certificate_recovered: the serial HQ had no record of. */
      serial: z.string().optional(),
    }),
    closedAt: z.string().optional(),
    closedBy: z.string().optional(),
  })
  .openapi("FleetAlert");

const StatusQuery = z.object({
  store: z.string().optional(),
  status: z.enum(["open", "resolved"]).optional(),
});
const AlertQuery = z.object({
  open: z.enum(["true", "false"]).optional(),
  store: z
    .string()
    .regex(/^[A-Z0-9]{1,16}$/)
    .optional(),
});

const idParam = (raw: string, field: string): number => {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new ValidationError(field, "must be a positive whole number");
  return id;
};

const tag = "fleet";

export const fleetRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/fleet",
      summary: "Store status: online/offline, last seen, versions, backlog, devices",
      access: "read",
      tag,
      response: z.array(FleetRow),
    },
    ({ principal }) => hub.fleet.list(principal.region),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/fleet/resyncs",
      summary:
        "Fleet alerts of restored, replaced and re-enrolled edges, with the seqs lost with the old database (?store=, ?status=open|resolved)",
      access: "read",
      tag,
      query: StatusQuery,
      response: z.array(ResyncAlert),
    },
    ({ query, principal }) => {
      if (query.store) s.authorizeStoreRead(principal, query.store);
      return hub.resync.list({ storeId: query.store, status: query.status, region: principal.region });
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/fleet/resyncs/{id}/resolve",
      summary: "A person has checked a restored or replaced edge's alert (and its lost seqs)",
      access: "admin",
      tag,
      response: ResyncAlert,
    },
    ({ params, principal }) => hub.resync.resolve(Number(params.id), s.actor(principal)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/fleet/alerts",
      summary:
        "Fleet alerts: MQTT session takeovers (with both addresses, count, flapping) and refused enrollment addresses",
      access: "read",
      tag,
      query: AlertQuery,
      response: z.array(FleetAlert),
    },
    ({ query, principal }) => {
      if (query.store) s.authorizeStoreRead(principal, query.store);
      return hub.security.alerts.list({
        ...(query.open === "true" ? { open: true } : {}),
        ...(query.store ? { storeId: query.store } : {}),
        ...(principal.region ? { region: principal.region } : {}),
      });
    },
  );
  r.route(
    {
      method: "post",
      path: "/api/v1/fleet/alerts/{id}/close",
      summary: "Close a fleet alert (who and when are kept); the next occurrence opens a new one",
      access: "admin",
      tag,
      response: FleetAlert,
    },
    ({ params, principal }) => hub.security.alerts.close(idParam(params.id, "id"), s.actor(principal)),
  );
};
