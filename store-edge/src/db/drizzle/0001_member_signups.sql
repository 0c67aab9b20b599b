CREATE TABLE `member_signups` (
	`id` text PRIMARY KEY NOT NULL,
	`phone` text NOT NULL,
	`data` text NOT NULL,
	`enrolled_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `member_signups_phone` ON `member_signups` (`phone`);