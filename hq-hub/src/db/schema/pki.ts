// Certificates the chain CA issued to stores (pki/): the broker accepts a store's TLS
// connection only with one of these, not superseded. Part of the hub's one schema.
import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const storeCertificates = sqliteTable(
  "store_certificates",
  {
    /** Lower-case hex, as Node's TLS reports a peer's serial. */
    serial: text("serial").primaryKey(),
    storeId: text("store_id").notNull(),
    issuedAt: text("issued_at").notNull(),
    notAfter: text("not_after").notNull(),
    /** JSON list of the LAN names it carries ({type, value}). */
    namesJson: text("names_json").notNull(),
    /** Why it was issued: "enrollment" or "renewal". */
    reason: text("reason").notNull(),
    /** Set when a newer certificate of the store was first used, or the store was revoked. */
    supersededAt: text("superseded_at"),
  },
  (t) => [index("store_certificates_store").on(t.storeId, t.issuedAt)],
);
