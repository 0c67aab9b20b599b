CREATE TABLE `markdown_runs` (
	`day` text PRIMARY KEY NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`changeset_id` integer,
	`markdowns` integer,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `markdown_schedule` (
	`id` integer PRIMARY KEY NOT NULL,
	`enabled` integer NOT NULL,
	`at_minute` integer NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL
);
