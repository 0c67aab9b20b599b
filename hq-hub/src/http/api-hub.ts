// What the HTTP API uses of the hub. Declared here, from the domain modules' own types, so the
// API does not import hub.ts (which builds the app: that was an import cycle). startHub's Hub
// satisfies it structurally.
import type { EventsAck, MessageType, Payload } from "@retail/protocol";
import type { Catalog } from "../catalog/catalog.ts";
import type { Imports } from "../catalog/import.ts";
import type { Completeness } from "../completeness/completeness.ts";
import type { HubConfig } from "../config.ts";
import type { Conflicts } from "../conflicts/conflicts.ts";
import type { Costing } from "../costing/costing.ts";
import type { Coupons } from "../coupons/coupons.ts";
import type { Drizzle, Sqlite } from "../db/open.ts";
import type { Finance } from "../finance/finance.ts";
import type { Fleet } from "../fleet/fleet.ts";
import type { BatchOutcome } from "../ingest/ingest.ts";
import type { Resync } from "../ingest/resync.ts";
import type { Replenishment, TillUpdate } from "../replenishment/orders.ts";
import type { Reports } from "../reports/reports.ts";
import type { Sales } from "../sales/sales.ts";
import type { Stock } from "../stock/stock.ts";
import type { SessionSecurity } from "../stores/session-security.ts";
import type { Stores } from "../stores/stores.ts";
import type { Suppliers } from "../suppliers/suppliers.ts";
import type { Tokens } from "./auth.ts";

export interface ApiHub {
  config: HubConfig;
  db: Sqlite;
  /** Drizzle over the same connection: the API's own reads use its query builder. */
  orm: Drizzle;
  mqtt: { url: string };
  stores: Stores;
  catalog: Catalog;
  ingest: {
    replay(id: number, actor: string, fixedRaw?: string): Promise<BatchOutcome>;
    discard(id: number, actor: string): void;
    ackFor(storeId: string): EventsAck;
    forgetReorderPoints(storeId: string): void;
  };
  resync: Resync;
  conflicts: Conflicts;
  stock: Stock;
  sales: Sales;
  fleet: Fleet;
  security: SessionSecurity;
  reports: Reports;
  finance: Finance;
  completeness: Completeness;
  coupons: Coupons;
  tokens: Tokens;
  imports: Imports;
  suppliers: Suppliers;
  replenishment: Replenishment;
  costing: Costing;
  tellTills(updates: TillUpdate[]): Promise<void>;
  syncMembers(actor: string): { changesetId: number; members: number } | undefined;
  send<T extends MessageType>(
    storeId: string,
    type: T,
    payload: Payload<T>,
    opts?: { retain?: boolean },
  ): Promise<void>;
}
