// The fleet at chain scale (issue 19 item 2): stores searched by code, name or region, filtered
// by region and state, ordered by code, paged with the real total and the regions there are
// (the screen's filter). Pure: over the fleet rows the hub builds (fleet.ts list).
import { z } from "@hono/zod-openapi";

export const FleetListQuery = z.object({
  /** Words in the store's code, name or region. */
  q: z.string().max(100).optional(),
  region: z.string().max(40).optional(),
  state: z.enum(["online", "offline", "never_seen"]).optional(),
  /** Only stores with an open alert (edge database or security). */
  alerts: z.enum(["1", "true"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type FleetListQuery = z.output<typeof FleetListQuery>;

interface Listed {
  storeId: string;
  name: string;
  region: string;
  state: string;
  openResyncs: number;
  openAlerts: number;
}

export function pageFleet<T extends Listed>(
  rows: readonly T[],
  query: FleetListQuery,
): { rows: T[]; total: number; regions: string[]; online: number; offline: number; alerting: number } {
  const words = query.q?.trim().toLowerCase() ?? "";
  const hits = rows
    .filter(
      (r) =>
        (!query.region || r.region === query.region) &&
        (!query.state || r.state === query.state) &&
        (!query.alerts || r.openResyncs + r.openAlerts > 0) &&
        (!words ||
          r.storeId.toLowerCase().includes(words) ||
          r.name.toLowerCase().includes(words) ||
          r.region.toLowerCase().includes(words)),
    )
    .sort((a, b) => (a.storeId < b.storeId ? -1 : a.storeId > b.storeId ? 1 : 0));
  return {
    rows: hits.slice(query.offset, query.offset + query.limit),
    total: hits.length,
    regions: [...new Set(rows.map((r) => r.region))].sort(),
    online: hits.filter((r) => r.state === "online").length,
    offline: hits.filter((r) => r.state !== "online").length,
    alerting: hits.filter((r) => r.openResyncs + r.openAlerts > 0).length,
  };
}
