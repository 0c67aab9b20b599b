CREATE TABLE `completeness_cells` (
	`store_id` text NOT NULL,
	`business_day` text NOT NULL,
	`digest_seq` integer NOT NULL,
	`agree` integer NOT NULL,
	`final` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`store_count` integer NOT NULL,
	`missing` integer NOT NULL,
	`extra` integer NOT NULL,
	`later` integer NOT NULL,
	PRIMARY KEY(`store_id`, `business_day`)
);
--> statement-breakpoint
-- Kept by triggers (schema/completeness.ts says why): a store-day's verdict goes when its
-- sales, returns or digest change; the grid or the hub's timer computes it again.
CREATE TRIGGER completeness_sale_in AFTER INSERT ON sales BEGIN
  DELETE FROM completeness_cells WHERE store_id = NEW.store_id AND business_day = NEW.business_day;
END;
--> statement-breakpoint
CREATE TRIGGER completeness_sale_out AFTER DELETE ON sales BEGIN
  DELETE FROM completeness_cells WHERE store_id = OLD.store_id AND business_day = OLD.business_day;
END;
--> statement-breakpoint
CREATE TRIGGER completeness_return_in AFTER INSERT ON returns BEGIN
  DELETE FROM completeness_cells WHERE store_id = NEW.store_id AND business_day = NEW.business_day;
END;
--> statement-breakpoint
CREATE TRIGGER completeness_return_out AFTER DELETE ON returns BEGIN
  DELETE FROM completeness_cells WHERE store_id = OLD.store_id AND business_day = OLD.business_day;
END;
--> statement-breakpoint
CREATE TRIGGER completeness_digest_in AFTER INSERT ON day_digests BEGIN
  DELETE FROM completeness_cells WHERE store_id = NEW.store_id AND business_day = NEW.business_day;
END;
--> statement-breakpoint
CREATE TRIGGER completeness_digest_change AFTER UPDATE ON day_digests BEGIN
  DELETE FROM completeness_cells WHERE store_id = OLD.store_id AND business_day = OLD.business_day;
  DELETE FROM completeness_cells WHERE store_id = NEW.store_id AND business_day = NEW.business_day;
END;
--> statement-breakpoint
CREATE TRIGGER completeness_digest_out AFTER DELETE ON day_digests BEGIN
  DELETE FROM completeness_cells WHERE store_id = OLD.store_id AND business_day = OLD.business_day;
END;
