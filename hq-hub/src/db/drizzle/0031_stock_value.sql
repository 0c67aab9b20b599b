CREATE TABLE `stock_value_totals` (
	`store_id` text NOT NULL,
	`sku` text NOT NULL,
	`movements` integer DEFAULT 0 NOT NULL,
	`qty` integer DEFAULT 0 NOT NULL,
	`value_fen` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`store_id`, `sku`)
);
--> statement-breakpoint
-- Kept by a trigger (schema/stock-value.ts says why), then filled from the ledger.
CREATE TRIGGER stock_value_in AFTER INSERT ON cost_movements BEGIN
  INSERT INTO stock_value_totals (store_id, sku, movements, qty, value_fen)
  VALUES (NEW.store_id, NEW.sku, 1, NEW.qty, NEW.value_fen - NEW.correction_fen)
  ON CONFLICT (store_id, sku) DO UPDATE SET movements = movements + 1, qty = qty + excluded.qty,
    value_fen = value_fen + excluded.value_fen;
END;
--> statement-breakpoint
INSERT INTO stock_value_totals (store_id, sku, movements, qty, value_fen)
  SELECT store_id, sku, COUNT(*), SUM(qty), SUM(value_fen - correction_fen) FROM cost_movements GROUP BY store_id, sku;
