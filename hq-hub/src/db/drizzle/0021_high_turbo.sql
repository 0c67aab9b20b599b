CREATE TABLE `releases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`signature` text NOT NULL,
	`stage` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`released_at` text,
	`promoted_at` text,
	`withdrawn_at` text,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `releases_version_unique` ON `releases` (`version`);--> statement-breakpoint
CREATE TABLE `store_updates` (
	`store_id` text NOT NULL,
	`release_id` integer NOT NULL,
	`step` text NOT NULL,
	`running_version` text NOT NULL,
	`reason` text,
	`at` text NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `release_id`)
);
--> statement-breakpoint
CREATE INDEX `store_updates_release` ON `store_updates` (`release_id`);