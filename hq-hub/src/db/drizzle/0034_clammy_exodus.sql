CREATE TABLE `imported_daily_sales` (
	`store_id` text NOT NULL,
	`sku` text NOT NULL,
	`day` text NOT NULL,
	`units` integer NOT NULL,
	`stockout` integer DEFAULT 0 NOT NULL,
	`imported_by` text NOT NULL,
	`imported_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `sku`, `day`),
	CONSTRAINT "imported_daily_sales_units" CHECK(units >= 0)
);
