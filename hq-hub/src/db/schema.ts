// The hub's schema, declared once. New migrations are generated from this file by drizzle-kit
// (`npm run db:generate -w @retail/hq-hub`, into src/db/drizzle/); the hand-written files in
// src/db/migrations (0001..0017) are the frozen path every database of earlier releases took,
// and `npm run lint` checks both that this file produces no new migration and that a database
// built by those files has exactly the shape drizzle-kit builds from this file
// (scripts/check-migrations.ts; docs/development.md "Database schema and migrations").
// What drizzle-kit cannot declare stays in SQL, named beside its table: triggers, WITHOUT ROWID,
// seed rows.
// The tables are declared per domain in schema/; this file re-exports them all, so drizzle-kit
// (drizzle.config.ts) and every module that imports the schema read one module, as before.

export * from "./schema/accounts.ts";
export * from "./schema/audit.ts";
export * from "./schema/batches.ts";
export * from "./schema/catalog.ts";
export * from "./schema/close.ts";
export * from "./schema/commands.ts";
export * from "./schema/completeness.ts";
export * from "./schema/costing.ts";
export * from "./schema/daily-totals.ts";
export * from "./schema/finance.ts";
export * from "./schema/fleet.ts";
export * from "./schema/ingest.ts";
export * from "./schema/margin.ts";
export * from "./schema/markdown-schedule.ts";
export * from "./schema/members.ts";
export * from "./schema/payables.ts";
export * from "./schema/pki.ts";
export * from "./schema/points.ts";
export * from "./schema/purchasing.ts";
export * from "./schema/reconciliation.ts";
export * from "./schema/releases.ts";
export * from "./schema/replenishment.ts";
export * from "./schema/sales.ts";
export * from "./schema/sales-history.ts";
export * from "./schema/stock.ts";
export * from "./schema/stock-value.ts";
export * from "./schema/stocktakes.ts";
export * from "./schema/store-groups.ts";
export * from "./schema/stores.ts";
export * from "./schema/transfers.ts";
