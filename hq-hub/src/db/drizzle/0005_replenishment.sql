CREATE TABLE `reorder_params` (
	`store_id` text NOT NULL,
	`sku` text NOT NULL,
	`service_level_bp` integer,
	`lead_time_days` integer,
	`review_days` integer,
	`pack_size` integer,
	`min_order_qty` integer,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `sku`)
);
--> statement-breakpoint
CREATE INDEX `reorder_params_sku` ON `reorder_params` (`sku`);--> statement-breakpoint
CREATE TABLE `replenishment_run_orders` (
	`po_id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`value_fen` integer,
	`decision` text NOT NULL,
	`decided_by` text,
	`decided_at` text
);
--> statement-breakpoint
CREATE INDEX `replenishment_run_orders_run` ON `replenishment_run_orders` (`run_id`);--> statement-breakpoint
CREATE INDEX `replenishment_run_orders_decision` ON `replenishment_run_orders` (`decision`);--> statement-breakpoint
CREATE TABLE `replenishment_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`trigger` text NOT NULL,
	`run_by` text NOT NULL,
	`at` text NOT NULL,
	`lines_json` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `replenishment_runs_store` ON `replenishment_runs` (`store_id`,`at`);--> statement-breakpoint
CREATE TABLE `replenishment_schedules` (
	`store_id` text PRIMARY KEY NOT NULL,
	`every_days` integer NOT NULL,
	`at_hour` integer NOT NULL,
	`auto_max_fen` integer NOT NULL,
	`enabled` integer DEFAULT 1 NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "replenishment_schedules_hour" CHECK(at_hour BETWEEN 0 AND 23)
);
