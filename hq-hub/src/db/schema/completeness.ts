// The completeness grid's verdicts per store-day (issue 19 item 8), kept so the grid of 300
// stores x a week is read, not recompared receipt by receipt at every request. A cell holds
// what the verdict of the store-day's digest found (completeness/completeness.ts computes it);
// SQL triggers (drizzle-kit cannot declare them: migration 0033_completeness_cells.sql) delete a
// store-day's cell whenever its sales, returns or digest change, so a cell is never stale:
// tenders and the inbox row that gives a document its seq are written and deleted in the same
// transaction as their document (ingest, conflicts/reverse.ts). Whether HQ has caught up with
// the digest (pending vs incomplete) moves without the store-day changing: read at each grid.
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const completenessCells = sqliteTable(
  "completeness_cells",
  {
    storeId: text("store_id").notNull(),
    businessDay: text("business_day").notNull(),
    /** The digest the verdict compared (its seq). */
    digestSeq: integer("digest_seq").notNull(),
    /** 1: lists and totals agreed (complete). */
    agree: integer("agree").notNull(),
    final: integer("final").notNull(),
    /** The digest's last receipt's seq: HQ is caught up when its upToSeq reaches it. */
    lastSeq: integer("last_seq").notNull(),
    storeCount: integer("store_count").notNull(),
    missing: integer("missing").notNull(),
    extra: integer("extra").notNull(),
    later: integer("later").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.businessDay] })],
);
