-- drizzle-kit's baseline: the schema of src/db/schema.ts as migrations 0001..0009 left it.
-- Never run on a database (db.ts migrationPlan skips it); `npm run lint` builds a scratch
-- database from it and checks it has the shape the hand-written chain gives
-- (scripts/check-migrations.ts). Migrations generated after it run in journal order.
CREATE TABLE `applied_movements` (
	`movement_id` text PRIMARY KEY NOT NULL,
	`applied_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `barcodes` (
	`code` text PRIMARY KEY NOT NULL,
	`sku` text NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `carts` (
	`lane` text PRIMARY KEY NOT NULL,
	`data` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `cash_movements` (
	`movement_id` text PRIMARY KEY NOT NULL,
	`shift_id` text NOT NULL,
	`direction` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`reason` text NOT NULL,
	`moved_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cash_movements_shift` ON `cash_movements` (`shift_id`);--> statement-breakpoint
CREATE TABLE `cashier_pin_failures` (
	`cashier_id` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`locked_until_ms` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `cashiers` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `catalog_scheduled` (
	`version` integer NOT NULL,
	`page` integer NOT NULL,
	`effective_at` text NOT NULL,
	`item_count` integer NOT NULL,
	`items` text NOT NULL,
	PRIMARY KEY(`version`, `page`)
);
--> statement-breakpoint
CREATE TABLE `catalog_staging` (
	`version` integer NOT NULL,
	`page` integer NOT NULL,
	`kind` text NOT NULL,
	`from_version` integer NOT NULL,
	`pages` integer NOT NULL,
	`effective_at` text,
	`items` text NOT NULL,
	PRIMARY KEY(`version`, `page`)
);
--> statement-breakpoint
CREATE TABLE `coupon_redemptions` (
	`code` text PRIMARY KEY NOT NULL,
	`sale_id` text NOT NULL,
	`redeemed_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `coupons` (
	`code` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `lane_sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`lane` text NOT NULL,
	`cashier_id` text NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text NOT NULL,
	`ended_at` text,
	`ended_by` text
);
--> statement-breakpoint
CREATE INDEX `lane_sessions_lane` ON `lane_sessions` (`lane`,`ended_at`);--> statement-breakpoint
CREATE TABLE `lanes` (
	`lane` text PRIMARY KEY NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`phone` text NOT NULL,
	`version` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `members_phone` ON `members` (`phone`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`occurred_at` text NOT NULL,
	`envelope` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_id_unique` ON `outbox` (`id`);--> statement-breakpoint
CREATE TABLE `outbox_boots` (
	`boot` integer PRIMARY KEY NOT NULL,
	`first_seq` integer NOT NULL,
	`event_id` text NOT NULL,
	`started_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_boots_first_seq_unique` ON `outbox_boots` (`first_seq`);--> statement-breakpoint
CREATE TABLE `payments` (
	`payment_id` text PRIMARY KEY NOT NULL,
	`lane` text NOT NULL,
	`cart_id` text NOT NULL,
	`provider` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`status` text NOT NULL,
	`reference` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `payments_cart` ON `payments` (`cart_id`,`status`);--> statement-breakpoint
CREATE TABLE `pin_source_failures` (
	`source` text NOT NULL,
	`at_ms` integer NOT NULL,
	`cashier_id` text NOT NULL,
	`locked` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pin_source_failures_source` ON `pin_source_failures` (`source`,`at_ms`);--> statement-breakpoint
CREATE TABLE `pin_source_throttles` (
	`source` text NOT NULL,
	`at_ms` integer NOT NULL,
	`until_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pin_source_throttles_source` ON `pin_source_throttles` (`source`,`at_ms`);--> statement-breakpoint
CREATE TABLE `prices` (
	`sku` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `products` (
	`sku` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `promotions` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `replenishment` (
	`sku` text PRIMARY KEY NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `return_lines` (
	`return_id` text NOT NULL,
	`sale_id` text,
	`line_id` text NOT NULL,
	`qty` integer NOT NULL,
	`refund_fen` integer NOT NULL,
	`tax_fen` integer NOT NULL,
	PRIMARY KEY(`return_id`, `line_id`)
);
--> statement-breakpoint
CREATE INDEX `return_lines_sale` ON `return_lines` (`sale_id`,`line_id`);--> statement-breakpoint
CREATE TABLE `returns` (
	`return_id` text PRIMARY KEY NOT NULL,
	`receipt_no` text NOT NULL,
	`original_sale_id` text,
	`lane` text NOT NULL,
	`shift_id` text NOT NULL,
	`training` integer NOT NULL,
	`refund_fen` integer NOT NULL,
	`tender_kind` text NOT NULL,
	`returned_at` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `returns_receipt_no_unique` ON `returns` (`receipt_no`);--> statement-breakpoint
CREATE INDEX `returns_shift` ON `returns` (`shift_id`);--> statement-breakpoint
CREATE TABLE `sale_lines` (
	`sale_id` text NOT NULL,
	`line_id` text NOT NULL,
	`sku` text NOT NULL,
	`qty` integer NOT NULL,
	`weighed` integer NOT NULL,
	`net_fen` integer NOT NULL,
	`tax_fen` integer NOT NULL,
	`price_version` integer NOT NULL,
	PRIMARY KEY(`sale_id`, `line_id`)
);
--> statement-breakpoint
CREATE TABLE `sales` (
	`sale_id` text PRIMARY KEY NOT NULL,
	`receipt_no` text NOT NULL,
	`lane` text NOT NULL,
	`shift_id` text NOT NULL,
	`training` integer NOT NULL,
	`business_day` text NOT NULL,
	`net_fen` integer NOT NULL,
	`tax_fen` integer NOT NULL,
	`completed_at` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sales_receipt_no_unique` ON `sales` (`receipt_no`);--> statement-breakpoint
CREATE INDEX `sales_shift` ON `sales` (`shift_id`);--> statement-breakpoint
CREATE INDEX `sales_business_day` ON `sales` (`business_day`,`training`);--> statement-breakpoint
CREATE TABLE `shifts` (
	`shift_id` text PRIMARY KEY NOT NULL,
	`lane` text NOT NULL,
	`cashier_id` text NOT NULL,
	`business_day` text NOT NULL,
	`training` integer NOT NULL,
	`float_fen` integer NOT NULL,
	`opened_at` text NOT NULL,
	`closed_at` text,
	`closing` text
);
--> statement-breakpoint
CREATE TABLE `stock_alerts` (
	`sku` text PRIMARY KEY NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stock_moves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sku` text NOT NULL,
	`qty` integer NOT NULL,
	`kind` text NOT NULL,
	`reference` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stock_on_hand` (
	`sku` text PRIMARY KEY NOT NULL,
	`qty` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `suspended` (
	`id` text PRIMARY KEY NOT NULL,
	`lane` text NOT NULL,
	`data` text NOT NULL,
	`suspended_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tenders` (
	`sale_id` text NOT NULL,
	`idx` integer NOT NULL,
	`kind` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`received_fen` integer,
	`change_fen` integer,
	`reference` text,
	PRIMARY KEY(`sale_id`, `idx`)
);
