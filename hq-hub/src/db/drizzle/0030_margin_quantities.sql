ALTER TABLE `store_day_totals` ADD `sold_qty` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `store_day_totals` ADD `line_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `store_day_totals` ADD `returned_qty` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `store_day_totals` ADD `return_line_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The margin report by store or region reads these from the daily totals (reports/margin-report.ts)
-- instead of every line of the range: the line triggers now also count quantity and lines
-- (schema/daily-totals.ts says why triggers), then the new columns are filled from the documents.
DROP TRIGGER day_totals_sale_line_in;
--> statement-breakpoint
CREATE TRIGGER day_totals_sale_line_in AFTER INSERT ON sale_lines BEGIN
  UPDATE store_day_totals SET line_revenue_fen = line_revenue_fen + (NEW.net_fen - NEW.tax_fen),
    sold_qty = sold_qty + NEW.qty, line_count = line_count + 1
  WHERE store_id = NEW.store_id AND business_day = (SELECT business_day FROM sales WHERE store_id = NEW.store_id AND sale_id = NEW.sale_id);
END;
--> statement-breakpoint
DROP TRIGGER day_totals_sale_line_out;
--> statement-breakpoint
CREATE TRIGGER day_totals_sale_line_out AFTER DELETE ON sale_lines BEGIN
  UPDATE store_day_totals SET line_revenue_fen = line_revenue_fen - (OLD.net_fen - OLD.tax_fen),
    sold_qty = sold_qty - OLD.qty, line_count = line_count - 1
  WHERE store_id = OLD.store_id AND business_day = (SELECT business_day FROM sales WHERE store_id = OLD.store_id AND sale_id = OLD.sale_id);
END;
--> statement-breakpoint
DROP TRIGGER day_totals_return_line_in;
--> statement-breakpoint
CREATE TRIGGER day_totals_return_line_in AFTER INSERT ON return_lines BEGIN
  UPDATE store_day_totals SET return_revenue_fen = return_revenue_fen + (NEW.refund_fen - NEW.tax_fen),
    returned_qty = returned_qty + NEW.qty, return_line_count = return_line_count + 1
  WHERE store_id = NEW.store_id AND business_day = (SELECT business_day FROM returns WHERE store_id = NEW.store_id AND return_id = NEW.return_id);
END;
--> statement-breakpoint
DROP TRIGGER day_totals_return_line_out;
--> statement-breakpoint
CREATE TRIGGER day_totals_return_line_out AFTER DELETE ON return_lines BEGIN
  UPDATE store_day_totals SET return_revenue_fen = return_revenue_fen - (OLD.refund_fen - OLD.tax_fen),
    returned_qty = returned_qty - OLD.qty, return_line_count = return_line_count - 1
  WHERE store_id = OLD.store_id AND business_day = (SELECT business_day FROM returns WHERE store_id = OLD.store_id AND return_id = OLD.return_id);
END;
--> statement-breakpoint
INSERT INTO store_day_totals (store_id, business_day, sold_qty, line_count)
  SELECT s.store_id, s.business_day, TOTAL(l.qty), COUNT(*) FROM sale_lines l
  JOIN sales s ON s.store_id = l.store_id AND s.sale_id = l.sale_id WHERE true GROUP BY s.store_id, s.business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET sold_qty = excluded.sold_qty, line_count = excluded.line_count;
--> statement-breakpoint
INSERT INTO store_day_totals (store_id, business_day, returned_qty, return_line_count)
  SELECT r.store_id, r.business_day, TOTAL(l.qty), COUNT(*) FROM return_lines l
  JOIN returns r ON r.store_id = l.store_id AND r.return_id = l.return_id WHERE true GROUP BY r.store_id, r.business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET returned_qty = excluded.returned_qty, return_line_count = excluded.return_line_count;
