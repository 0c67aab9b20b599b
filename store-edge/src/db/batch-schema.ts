// The edge's dated lots (batches/), re-exported by schema.ts (drizzle-kit reads it): per SKU the
// units of each batch and expiry date still in the store. The undated rest of a SKU is not a
// row: it is on-hand less these (protocol batches.ts), so the lots always sum to on-hand.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const stockLots = sqliteTable(
  "stock_lots",
  {
    sku: text("sku").notNull(),
    batch: text("batch").notNull(),
    /** YYYY-MM-DD (China day). */
    expiresOn: text("expires_on").notNull(),
    /** Units, or grams for weighed goods; may go below zero when the lot was oversold. */
    qty: integer("qty").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sku, t.batch, t.expiresOn] }),
    index("stock_lots_by_expiry").on(t.expiresOn),
  ],
);
