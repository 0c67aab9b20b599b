CREATE TABLE `alert_notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`event` text NOT NULL,
	`body_json` text NOT NULL,
	`created_at` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_at` text NOT NULL,
	`last_error` text,
	`sent_at` text
);
--> statement-breakpoint
CREATE INDEX `alert_notifications_due` ON `alert_notifications` (`next_at`) WHERE state = 'pending';--> statement-breakpoint
CREATE TABLE `diagnostics_bundles` (
	`command_id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`received_at` text NOT NULL,
	`bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`gzip` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `remote_commands` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`name` text NOT NULL,
	`args_json` text NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` text NOT NULL,
	`state` text NOT NULL,
	`sends` integer DEFAULT 0 NOT NULL,
	`last_sent_at` text,
	`answered_at` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `remote_commands_store` ON `remote_commands` (`store_id`,`requested_at`);--> statement-breakpoint
CREATE INDEX `remote_commands_unanswered` ON `remote_commands` (`store_id`) WHERE state = 'sent';--> statement-breakpoint
ALTER TABLE `store_status` ADD `disk_free_bytes` integer;--> statement-breakpoint
ALTER TABLE `store_status` ADD `disk_total_bytes` integer;--> statement-breakpoint
ALTER TABLE `store_status` ADD `clock_skew_sec` integer;