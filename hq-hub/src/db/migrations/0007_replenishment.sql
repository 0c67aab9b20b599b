-- Replenishment: the supplier that delivers each SKU, and purchase orders per store and
-- supplier. What a store has received of an order is summed from its receiving.confirmed rows
-- (receivings.purchase_order_id) and cached on the order's lines; it is recomputed, never added to.
CREATE TABLE supplier_skus (
  sku TEXT PRIMARY KEY,
  supplier_id TEXT NOT NULL,
  assigned_by TEXT NOT NULL,
  assigned_at TEXT NOT NULL
);
CREATE INDEX supplier_skus_supplier ON supplier_skus(supplier_id);

CREATE TABLE purchase_orders (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  supplier_id TEXT NOT NULL,
  status TEXT NOT NULL,                 -- draft | ordered | received | closed | cancelled
  note TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  ordered_by TEXT,
  ordered_at TEXT,
  expected_at TEXT,
  ended_by TEXT,                        -- who closed or cancelled it (received: the store's receipt)
  ended_at TEXT
);
CREATE INDEX purchase_orders_store ON purchase_orders(store_id, status);
CREATE INDEX purchase_orders_status ON purchase_orders(status);

CREATE TABLE purchase_order_lines (
  po_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  qty INTEGER NOT NULL CHECK (qty > 0),
  received INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (po_id, sku)
);

-- Receipts are found by the order they name (rare rows: one per delivery).
CREATE INDEX receivings_by_po ON receivings(purchase_order_id) WHERE purchase_order_id IS NOT NULL;
