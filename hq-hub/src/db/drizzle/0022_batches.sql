CREATE TABLE `lot_markdowns` (
	`store_id` text NOT NULL,
	`sku` text NOT NULL,
	`expires_on` text NOT NULL,
	`promotion_id` text NOT NULL,
	`rule_id` text NOT NULL,
	`percent` integer NOT NULL,
	`changeset_id` integer NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `sku`, `expires_on`)
);
--> statement-breakpoint
CREATE TABLE `markdown_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`category` text,
	`max_days_left` integer NOT NULL,
	`min_qty` integer NOT NULL,
	`percent` integer NOT NULL,
	`active` integer NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `store_lots` (
	`store_id` text NOT NULL,
	`sku` text NOT NULL,
	`batch` text NOT NULL,
	`expires_on` text NOT NULL,
	`qty` integer NOT NULL,
	`first_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `sku`, `batch`, `expires_on`)
);
--> statement-breakpoint
CREATE INDEX `store_lots_by_expiry` ON `store_lots` (`expires_on`,`store_id`);--> statement-breakpoint
CREATE TABLE `transfer_lots` (
	`transfer_id` text NOT NULL,
	`sku` text NOT NULL,
	`batch` text NOT NULL,
	`expires_on` text NOT NULL,
	`qty` integer NOT NULL,
	PRIMARY KEY(`transfer_id`, `sku`, `batch`, `expires_on`)
);
