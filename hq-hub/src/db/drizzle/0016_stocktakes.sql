CREATE TABLE `stocktake_lines` (
	`session_id` text NOT NULL,
	`sku` text NOT NULL,
	`expected` integer NOT NULL,
	`counted` integer NOT NULL,
	`recounted` integer NOT NULL,
	`counters_json` text NOT NULL,
	PRIMARY KEY(`session_id`, `sku`)
);
--> statement-breakpoint
CREATE TABLE `stocktake_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`origin` text NOT NULL,
	`skus_json` text NOT NULL,
	`recount_over` integer NOT NULL,
	`opened_by` text NOT NULL,
	`opened_at` text NOT NULL,
	`submitted_by` text,
	`submitted_at` text,
	`event_id` text,
	`decided_by` text,
	`decided_at` text,
	`note` text
);
--> statement-breakpoint
CREATE INDEX `stocktake_sessions_store` ON `stocktake_sessions` (`store_id`,`status`);