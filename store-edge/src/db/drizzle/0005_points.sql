CREATE TABLE `member_points_used` (
	`doc_id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`points` integer NOT NULL,
	`catalog_version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `member_points_used_member` ON `member_points_used` (`member_id`,`catalog_version`);--> statement-breakpoint
CREATE TABLE `points_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`data` text NOT NULL
);
