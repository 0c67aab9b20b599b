DROP INDEX `member_activity_at`;--> statement-breakpoint
CREATE INDEX `member_activity_at` ON `member_activity` (`at`,`member_id`,`net_fen`);