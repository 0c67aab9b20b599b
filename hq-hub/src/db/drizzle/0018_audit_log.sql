CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`role` text NOT NULL,
	`region` text,
	`method` text NOT NULL,
	`route` text NOT NULL,
	`tag` text NOT NULL,
	`summary` text NOT NULL,
	`path` text NOT NULL,
	`status` integer NOT NULL,
	`error` text,
	`request_json` text,
	`before_json` text,
	`after_json` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_actor` ON `audit_log` (`actor`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_route` ON `audit_log` (`route`,`id`);