// What the HTTP API uses of the hub. Declared here, from the domain modules' own types, so the
// API does not import hub.ts (which builds the app: that was an import cycle). startHub's Hub
// extends it.

import type { EventsAck, MessageType, Payload } from "@retail/protocol";
import type { Accounts } from "../accounts/accounts.ts";
import type { AlertWatch } from "../alerts/watch.ts";
import type { AlertWebhook } from "../alerts/webhook.ts";
import type { AuditBinding } from "../audit/bound.ts";
import type { AuditLog } from "../audit/log.ts";
import type { Batches } from "../batches/batches.ts";
import type { MarkdownRuns } from "../batches/markdown-runs.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { Imports } from "../catalog/import.ts";
import type { Close } from "../close/close.ts";
import type { Commands } from "../commands/commands.ts";
import type { Completeness } from "../completeness/completeness.ts";
import type { HubConfig } from "../config.ts";
import type { Conflicts } from "../conflicts/conflicts.ts";
import type { Costing } from "../costing/costing.ts";
import type { Coupons } from "../coupons/coupons.ts";
import type { Dashboard } from "../dashboard/dashboard.ts";
import type { Drizzle, Sqlite } from "../db/open.ts";
import type { VoucherExport } from "../export/export.ts";
import type { Books } from "../finance/books.ts";
import type { Finance } from "../finance/finance.ts";
import type { Fleet } from "../fleet/fleet.ts";
import type { BatchOutcome } from "../ingest/ingest.ts";
import type { Resync } from "../ingest/resync.ts";
import type { Members } from "../members/service.ts";
import type { Payables } from "../payables/payables.ts";
import type { HubPki } from "../pki/pki.ts";
import type { Releases } from "../releases/releases.ts";
import type { AutoReplenishment } from "../replenishment/auto.ts";
import type { Replenishment, TillUpdate } from "../replenishment/orders.ts";
import type { MarginReports } from "../reports/margin-report.ts";
import type { Reports } from "../reports/reports.ts";
import type { ReturnsVoids } from "../reports/returns-voids.ts";
import type { Sales } from "../sales/sales.ts";
import type { SalesHistory } from "../sales-history/sales-history.ts";
import type { Stock } from "../stock/stock.ts";
import type { Stocktakes } from "../stocktakes/stocktakes.ts";
import type { StoreGroups } from "../store-groups/store-groups.ts";
import type { SessionSecurity } from "../stores/session-security.ts";
import type { Stores } from "../stores/stores.ts";
import type { SupplierPriceView } from "../suppliers/price-view.ts";
import type { Suppliers } from "../suppliers/suppliers.ts";
import type { Transfers } from "../transfers/transfers.ts";
import type { Tokens } from "./auth.ts";

/** What the API uses of ingest, wherever it runs. */
export interface ApiIngest {
  /** An admin fixes (optionally) and replays a dead letter; resolves after the commit. */
  replay(id: number, actor: string, fixedRaw?: string): Promise<BatchOutcome>;
  discard(id: number, actor: string): void;
  ackFor(storeId: string): EventsAck;
  forgetReorderPoints(storeId: string): void;
}

export interface ApiHub {
  config: HubConfig;
  db: Sqlite;
  /** Drizzle over the same connection: the API's own reads use its query builder. */
  orm: Drizzle;
  /** The broker stores connect to; `tlsUrl` when its mqtts listener runs. */
  mqtt: { url: string; tlsUrl?: string };
  stores: Stores;
  /** Store certificates from the chain CA (pki/), when the hub serves mqtts. */
  pki?: HubPki;
  catalog: Catalog;
  ingest: ApiIngest;
  /** The connect handshake: restored, replaced and re-enrolled edges (fleet alerts, lost seqs). */
  resync: Resync;
  /** Conflicts held for a person: both versions, the three resolutions (conflicts/). */
  conflicts: Conflicts;
  stock: Stock;
  sales: Sales;
  fleet: Fleet;
  /** Remote commands to stores and their answers, diagnostics bundles (commands/). */
  commands: Commands;
  /** Fleet alert rules over the stores' status, and the webhook their messages go to (alerts/). */
  alertWatch: AlertWatch;
  alertWebhook: AlertWebhook;
  /** Session takeover and enrollment alerts, credential rotation (stores/session-security.ts). */
  security: SessionSecurity;
  /** Sales and tender reports over the ingested tables. */
  reports: Reports;
  /** Returns by reason, voids and other supervised till actions, per cashier (reports/returns-voids.ts). */
  returnsVoids: ReturnsVoids;
  /** Today's and a period's KPIs, fleet state and open exceptions (dashboard/). */
  dashboard: Dashboard;
  /** Cost and gross margin by store, region, category, SKU and promotion (reports/margin-report.ts). */
  margin: MarginReports;
  /** Double-entry vouchers per store and business day, period close. */
  finance: Finance;
  /** The month-end close as a checklist the system checks (close/). */
  close: Close;
  /** Inventory vouchers, valuation = inventory account (finance/books.ts); chart of accounts (accounts/); voucher export (export/). */
  books: Books;
  accounts: Accounts;
  voucherExport: VoucherExport;
  /** The stores' day digests against what HQ holds: per store-day complete, or what is missing. */
  completeness: Completeness;
  /** Coupons issued for promotions, their uses, "spent" sent down, double-use conflicts. */
  coupons: Coupons;
  tokens: Tokens;
  /** Every write through the HTTP API: who, when, what, before/after (audit/). */
  audit: AuditLog;
  /** Binds each API write's audit row to the write's transaction (audit/bound.ts). */
  auditBinding?: AuditBinding;
  imports: Imports;
  suppliers: Suppliers;
  /** Named sets of stores for bulk actions (store-groups/). */
  storeGroups: StoreGroups;
  /** The price-list screen's reads: validity, open orders' differences, previews (suppliers/). */
  supplierPrices: SupplierPriceView;
  replenishment: Replenishment;
  /** Forecast-driven orders: parameters, schedules, runs, approvals (replenishment/auto.ts). */
  autoReplenishment: AutoReplenishment;
  /** Daily sales imported from before the stores ran on this system (sales-history/). */
  salesHistory: SalesHistory;
  /** Transfers between stores as documents: requested, approved, shipped, received (transfers/). */
  transfers: Transfers;
  /** Supplier price lists and the moving-average cost per store and SKU (costing/). */
  costing: Costing;
  /** Supplier invoices matched three ways, approved, paid (payables/). */
  payables: Payables;
  /** Count sessions, their variances, approval and alerts (stocktakes/). */
  stocktakes: Stocktakes;
  /** Dated lots, near-expiry lists, markdown rules and runs (batches/). */
  batches: Batches;
  markdownRuns: MarkdownRuns;
  /** Publishes what changes of purchase orders mean for the stores' tills (replenishment.status). */
  tellTills(updates: TillUpdate[]): Promise<void>;
  /** Member profiles, tiers, segments, campaigns, consents (members/). */
  members: Members;
  /** Signed edge releases through the rollout rings, each store's update state (releases/). */
  releases: Releases;
  /** Sends the dirty member balances down as a change set released to every store. */
  syncMembers(actor: string): { changesetId: number; members: number } | undefined;
  /** Publishes an HQ -> store message on the store's down-topic. */
  send<T extends MessageType>(
    storeId: string,
    type: T,
    payload: Payload<T>,
    opts?: { retain?: boolean },
  ): Promise<void>;
}
