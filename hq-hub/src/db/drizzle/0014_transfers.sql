CREATE TABLE `transfer_lines` (
	`transfer_id` text NOT NULL,
	`sku` text NOT NULL,
	`requested_qty` integer NOT NULL,
	`shipped_qty` integer,
	`received_qty` integer,
	PRIMARY KEY(`transfer_id`, `sku`)
);
--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` text PRIMARY KEY NOT NULL,
	`from_store_id` text NOT NULL,
	`to_store_id` text NOT NULL,
	`status` text NOT NULL,
	`origin` text NOT NULL,
	`request_id` text,
	`requested_by` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`approved_at` text,
	`shipped_at` text,
	`received_at` text,
	`closed_at` text,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transfers_request` ON `transfers` (`to_store_id`,`request_id`);--> statement-breakpoint
CREATE INDEX `transfers_from` ON `transfers` (`from_store_id`,`status`);--> statement-breakpoint
CREATE INDEX `transfers_to` ON `transfers` (`to_store_id`,`status`);