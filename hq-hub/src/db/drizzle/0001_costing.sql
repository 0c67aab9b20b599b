CREATE TABLE `cost_movements` (
	`ledger_id` integer PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`sku` text NOT NULL,
	`kind` text NOT NULL,
	`ref` text NOT NULL,
	`source_ref` text,
	`qty` integer NOT NULL,
	`value_fen` integer NOT NULL,
	`correction_fen` integer NOT NULL,
	`cost_source` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cost_movements_by_ref` ON `cost_movements` (`ref`,`sku`);--> statement-breakpoint
CREATE INDEX `cost_movements_by_source` ON `cost_movements` (`source_ref`) WHERE source_ref IS NOT NULL;--> statement-breakpoint
CREATE INDEX `cost_movements_by_at` ON `cost_movements` (`at`);--> statement-breakpoint
CREATE TABLE `cost_positions` (
	`store_id` text NOT NULL,
	`sku` text NOT NULL,
	`on_hand` integer NOT NULL,
	`value_fen` integer NOT NULL,
	`last_value_fen` integer,
	`last_qty` integer,
	PRIMARY KEY(`store_id`, `sku`)
);
--> statement-breakpoint
CREATE TABLE `purchase_order_line_costs` (
	`po_id` text NOT NULL,
	`sku` text NOT NULL,
	`unit_cost_fen` integer,
	`tax_rate` integer,
	`price_from` text,
	`priced_at` text NOT NULL,
	PRIMARY KEY(`po_id`, `sku`)
);
--> statement-breakpoint
CREATE TABLE `supplier_prices` (
	`supplier_id` text NOT NULL,
	`sku` text NOT NULL,
	`effective_from` text NOT NULL,
	`cost_fen` integer NOT NULL,
	`tax_rate` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`supplier_id`, `sku`, `effective_from`),
	CONSTRAINT "supplier_prices_cost" CHECK(cost_fen >= 0)
);
