CREATE TABLE `member_points_redemptions` (
	`store_id` text NOT NULL,
	`doc_kind` text NOT NULL,
	`doc_id` text NOT NULL,
	`sale_id` text NOT NULL,
	`member_id` text NOT NULL,
	`points` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`overdrawn` integer DEFAULT 0 NOT NULL,
	`at` text NOT NULL,
	PRIMARY KEY(`store_id`, `doc_kind`, `doc_id`)
);
--> statement-breakpoint
CREATE INDEX `member_points_redemptions_member` ON `member_points_redemptions` (`member_id`,`at`);--> statement-breakpoint
CREATE INDEX `member_points_redemptions_sale` ON `member_points_redemptions` (`store_id`,`sale_id`);--> statement-breakpoint
CREATE TABLE `points_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`data_json` text NOT NULL
);
