CREATE TABLE `stocktake_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`sku` text NOT NULL,
	`qty` integer NOT NULL,
	`counter` text NOT NULL,
	`round` integer NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stocktake_entries_session` ON `stocktake_entries` (`session_id`);--> statement-breakpoint
CREATE TABLE `stocktake_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`origin` text NOT NULL,
	`status` text NOT NULL,
	`skus_json` text NOT NULL,
	`recount_over` integer NOT NULL,
	`opened_by` text NOT NULL,
	`opened_at` text NOT NULL,
	`recount_json` text,
	`submitted_by` text,
	`submitted_at` text
);
--> statement-breakpoint
CREATE TABLE `stocktake_snapshot` (
	`session_id` text NOT NULL,
	`sku` text NOT NULL,
	`expected` integer NOT NULL,
	PRIMARY KEY(`session_id`, `sku`)
);
