ALTER TABLE `member_campaigns` ADD `cancelled_at` text;--> statement-breakpoint
ALTER TABLE `member_campaigns` ADD `cancelled_by` text;