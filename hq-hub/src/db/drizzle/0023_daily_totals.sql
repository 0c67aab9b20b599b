CREATE TABLE `store_day_tenders` (
	`store_id` text NOT NULL,
	`business_day` text NOT NULL,
	`kind` text NOT NULL,
	`doc_kind` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`amount_fen` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`store_id`, `business_day`, `kind`, `doc_kind`)
);
--> statement-breakpoint
CREATE TABLE `store_day_totals` (
	`store_id` text NOT NULL,
	`business_day` text NOT NULL,
	`sale_count` integer DEFAULT 0 NOT NULL,
	`gross_fen` integer DEFAULT 0 NOT NULL,
	`discount_fen` integer DEFAULT 0 NOT NULL,
	`net_fen` integer DEFAULT 0 NOT NULL,
	`tax_fen` integer DEFAULT 0 NOT NULL,
	`return_count` integer DEFAULT 0 NOT NULL,
	`refund_fen` integer DEFAULT 0 NOT NULL,
	`line_revenue_fen` integer DEFAULT 0 NOT NULL,
	`return_revenue_fen` integer DEFAULT 0 NOT NULL,
	`cost_fen` integer DEFAULT 0 NOT NULL,
	`return_cost_fen` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`store_id`, `business_day`)
);
--> statement-breakpoint
-- Kept by triggers (hq-hub/src/db/schema/daily-totals.ts says why; drizzle-kit cannot declare
-- them), then filled from what the database already holds (reports/day-totals.ts rebuild does the same).
CREATE TRIGGER day_totals_sale_in AFTER INSERT ON sales BEGIN
  INSERT INTO store_day_totals (store_id, business_day, sale_count, gross_fen, discount_fen, net_fen, tax_fen, cost_fen)
  VALUES (NEW.store_id, NEW.business_day, 1, NEW.gross_fen, NEW.discount_fen, NEW.net_fen, NEW.tax_fen,
    (SELECT TOTAL(-value_fen) FROM cost_movements WHERE ref = NEW.sale_id AND store_id = NEW.store_id AND kind = 'sale'))
  ON CONFLICT (store_id, business_day) DO UPDATE SET sale_count = sale_count + 1,
    gross_fen = gross_fen + excluded.gross_fen, discount_fen = discount_fen + excluded.discount_fen,
    net_fen = net_fen + excluded.net_fen, tax_fen = tax_fen + excluded.tax_fen, cost_fen = cost_fen + excluded.cost_fen;
END;
--> statement-breakpoint
CREATE TRIGGER day_totals_sale_out AFTER DELETE ON sales BEGIN
  UPDATE store_day_totals SET sale_count = sale_count - 1, gross_fen = gross_fen - OLD.gross_fen,
    discount_fen = discount_fen - OLD.discount_fen, net_fen = net_fen - OLD.net_fen, tax_fen = tax_fen - OLD.tax_fen,
    cost_fen = cost_fen - (SELECT TOTAL(-value_fen) FROM cost_movements WHERE ref = OLD.sale_id AND store_id = OLD.store_id AND kind = 'sale')
  WHERE store_id = OLD.store_id AND business_day = OLD.business_day;
  DELETE FROM store_day_totals WHERE store_id = OLD.store_id AND business_day = OLD.business_day AND sale_count = 0 AND return_count = 0;
END;
--> statement-breakpoint
CREATE TRIGGER day_totals_sale_line_in AFTER INSERT ON sale_lines BEGIN
  UPDATE store_day_totals SET line_revenue_fen = line_revenue_fen + (NEW.net_fen - NEW.tax_fen)
  WHERE store_id = NEW.store_id AND business_day = (SELECT business_day FROM sales WHERE store_id = NEW.store_id AND sale_id = NEW.sale_id);
END;
--> statement-breakpoint
CREATE TRIGGER day_totals_sale_line_out AFTER DELETE ON sale_lines BEGIN
  UPDATE store_day_totals SET line_revenue_fen = line_revenue_fen - (OLD.net_fen - OLD.tax_fen)
  WHERE store_id = OLD.store_id AND business_day = (SELECT business_day FROM sales WHERE store_id = OLD.store_id AND sale_id = OLD.sale_id);
END;
--> statement-breakpoint
CREATE TRIGGER day_totals_return_in AFTER INSERT ON returns BEGIN
  INSERT INTO store_day_totals (store_id, business_day, return_count, refund_fen, return_cost_fen)
  VALUES (NEW.store_id, NEW.business_day, 1, NEW.refund_fen,
    (SELECT TOTAL(value_fen) FROM cost_movements WHERE ref = NEW.return_id AND store_id = NEW.store_id AND kind = 'return'))
  ON CONFLICT (store_id, business_day) DO UPDATE SET return_count = return_count + 1,
    refund_fen = refund_fen + excluded.refund_fen, return_cost_fen = return_cost_fen + excluded.return_cost_fen;
END;
--> statement-breakpoint
CREATE TRIGGER day_totals_return_out AFTER DELETE ON returns BEGIN
  UPDATE store_day_totals SET return_count = return_count - 1, refund_fen = refund_fen - OLD.refund_fen,
    return_cost_fen = return_cost_fen - (SELECT TOTAL(value_fen) FROM cost_movements WHERE ref = OLD.return_id AND store_id = OLD.store_id AND kind = 'return')
  WHERE store_id = OLD.store_id AND business_day = OLD.business_day;
  DELETE FROM store_day_totals WHERE store_id = OLD.store_id AND business_day = OLD.business_day AND sale_count = 0 AND return_count = 0;
END;
--> statement-breakpoint
CREATE TRIGGER day_totals_return_line_in AFTER INSERT ON return_lines BEGIN
  UPDATE store_day_totals SET return_revenue_fen = return_revenue_fen + (NEW.refund_fen - NEW.tax_fen)
  WHERE store_id = NEW.store_id AND business_day = (SELECT business_day FROM returns WHERE store_id = NEW.store_id AND return_id = NEW.return_id);
END;
--> statement-breakpoint
CREATE TRIGGER day_totals_return_line_out AFTER DELETE ON return_lines BEGIN
  UPDATE store_day_totals SET return_revenue_fen = return_revenue_fen - (OLD.refund_fen - OLD.tax_fen)
  WHERE store_id = OLD.store_id AND business_day = (SELECT business_day FROM returns WHERE store_id = OLD.store_id AND return_id = OLD.return_id);
END;
--> statement-breakpoint
CREATE TRIGGER day_totals_cost_in AFTER INSERT ON cost_movements WHEN NEW.kind IN ('sale', 'return') BEGIN
  UPDATE store_day_totals SET cost_fen = cost_fen - NEW.value_fen
  WHERE NEW.kind = 'sale' AND store_id = NEW.store_id AND business_day = (SELECT business_day FROM sales WHERE store_id = NEW.store_id AND sale_id = NEW.ref);
  UPDATE store_day_totals SET return_cost_fen = return_cost_fen + NEW.value_fen
  WHERE NEW.kind = 'return' AND store_id = NEW.store_id AND business_day = (SELECT business_day FROM returns WHERE store_id = NEW.store_id AND return_id = NEW.ref);
END;
--> statement-breakpoint
CREATE TRIGGER day_totals_tender_in AFTER INSERT ON tenders BEGIN
  INSERT INTO store_day_tenders (store_id, business_day, kind, doc_kind, count, amount_fen)
  SELECT NEW.store_id, d, NEW.kind, NEW.doc_kind, 1, NEW.amount_fen FROM (SELECT CASE NEW.doc_kind
    WHEN 'sale' THEN (SELECT business_day FROM sales WHERE store_id = NEW.store_id AND sale_id = NEW.doc_id)
    WHEN 'return' THEN (SELECT business_day FROM returns WHERE store_id = NEW.store_id AND return_id = NEW.doc_id) END AS d)
  WHERE d IS NOT NULL
  ON CONFLICT (store_id, business_day, kind, doc_kind) DO UPDATE SET count = count + 1, amount_fen = amount_fen + excluded.amount_fen;
END;
--> statement-breakpoint
CREATE TRIGGER day_totals_tender_out AFTER DELETE ON tenders BEGIN
  UPDATE store_day_tenders SET count = count - 1, amount_fen = amount_fen - OLD.amount_fen
  WHERE store_id = OLD.store_id AND kind = OLD.kind AND doc_kind = OLD.doc_kind AND business_day = CASE OLD.doc_kind
    WHEN 'sale' THEN (SELECT business_day FROM sales WHERE store_id = OLD.store_id AND sale_id = OLD.doc_id)
    WHEN 'return' THEN (SELECT business_day FROM returns WHERE store_id = OLD.store_id AND return_id = OLD.doc_id) END;
  DELETE FROM store_day_tenders WHERE store_id = OLD.store_id AND kind = OLD.kind AND doc_kind = OLD.doc_kind AND count = 0;
END;
--> statement-breakpoint
DELETE FROM store_day_totals;
--> statement-breakpoint
DELETE FROM store_day_tenders;
--> statement-breakpoint
INSERT INTO store_day_totals (store_id, business_day, sale_count, gross_fen, discount_fen, net_fen, tax_fen)
  SELECT store_id, business_day, COUNT(*), TOTAL(gross_fen), TOTAL(discount_fen), TOTAL(net_fen), TOTAL(tax_fen)
  FROM sales GROUP BY store_id, business_day;
--> statement-breakpoint
INSERT INTO store_day_totals (store_id, business_day, return_count, refund_fen)
  SELECT store_id, business_day, COUNT(*), TOTAL(refund_fen) FROM returns WHERE true GROUP BY store_id, business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET return_count = excluded.return_count, refund_fen = excluded.refund_fen;
--> statement-breakpoint
INSERT INTO store_day_totals (store_id, business_day, line_revenue_fen)
  SELECT s.store_id, s.business_day, TOTAL(l.net_fen - l.tax_fen) FROM sale_lines l
  JOIN sales s ON s.store_id = l.store_id AND s.sale_id = l.sale_id WHERE true GROUP BY s.store_id, s.business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET line_revenue_fen = excluded.line_revenue_fen;
--> statement-breakpoint
INSERT INTO store_day_totals (store_id, business_day, cost_fen)
  SELECT s.store_id, s.business_day, TOTAL(-c.value_fen) FROM cost_movements c
  JOIN sales s ON s.store_id = c.store_id AND s.sale_id = c.ref WHERE c.kind = 'sale' GROUP BY s.store_id, s.business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET cost_fen = excluded.cost_fen;
--> statement-breakpoint
INSERT INTO store_day_totals (store_id, business_day, return_revenue_fen)
  SELECT r.store_id, r.business_day, TOTAL(l.refund_fen - l.tax_fen) FROM return_lines l
  JOIN returns r ON r.store_id = l.store_id AND r.return_id = l.return_id WHERE true GROUP BY r.store_id, r.business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET return_revenue_fen = excluded.return_revenue_fen;
--> statement-breakpoint
INSERT INTO store_day_totals (store_id, business_day, return_cost_fen)
  SELECT r.store_id, r.business_day, TOTAL(c.value_fen) FROM cost_movements c
  JOIN returns r ON r.store_id = c.store_id AND r.return_id = c.ref WHERE c.kind = 'return' GROUP BY r.store_id, r.business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET return_cost_fen = excluded.return_cost_fen;
--> statement-breakpoint
INSERT INTO store_day_tenders (store_id, business_day, kind, doc_kind, count, amount_fen)
  SELECT t.store_id, COALESCE(s.business_day, r.business_day) AS d, t.kind, t.doc_kind, COUNT(*), TOTAL(t.amount_fen)
  FROM tenders t
  LEFT JOIN sales s ON t.doc_kind = 'sale' AND s.store_id = t.store_id AND s.sale_id = t.doc_id
  LEFT JOIN returns r ON t.doc_kind = 'return' AND r.store_id = t.store_id AND r.return_id = t.doc_id
  WHERE COALESCE(s.business_day, r.business_day) IS NOT NULL
  GROUP BY t.store_id, d, t.kind, t.doc_kind;
