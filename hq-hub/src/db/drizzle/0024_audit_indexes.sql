CREATE INDEX `audit_log_tag` ON `audit_log` (`tag`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_status` ON `audit_log` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);