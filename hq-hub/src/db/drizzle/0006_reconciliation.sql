CREATE TABLE `recon_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`status` text NOT NULL,
	`kind` text NOT NULL,
	`transaction_id` text NOT NULL,
	`refund_id` text NOT NULL,
	`store_id` text,
	`doc_kind` text,
	`doc_id` text,
	`file_fen` integer,
	`hq_fen` integer,
	`fee_fen` integer NOT NULL,
	`row` integer,
	`column` text,
	`reason` text NOT NULL,
	`raw` text
);
--> statement-breakpoint
CREATE INDEX `recon_items_run` ON `recon_items` (`run_id`,`status`);--> statement-breakpoint
CREATE TABLE `recon_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`bill_date` text NOT NULL,
	`file_name` text NOT NULL,
	`file_sha256` text NOT NULL,
	`until` text,
	`imported_at` text NOT NULL,
	`imported_by` text NOT NULL,
	`entries` integer NOT NULL,
	`bad_rows` integer NOT NULL,
	`differences` integer NOT NULL,
	`payments_fen` integer NOT NULL,
	`refunds_fen` integer NOT NULL,
	`fees_fen` integer NOT NULL,
	`net_fen` integer NOT NULL,
	`settlement` text NOT NULL,
	`posted_at` text,
	`posted_by` text,
	`vouchers` text
);
--> statement-breakpoint
CREATE INDEX `recon_runs_day` ON `recon_runs` (`bill_date`,`source`);