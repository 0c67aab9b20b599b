CREATE TABLE `close_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`period` text NOT NULL,
	`event` text NOT NULL,
	`from_state` text NOT NULL,
	`to_state` text NOT NULL,
	`actor` text NOT NULL,
	`reason` text,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `close_periods` (
	`period` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `close_steps` (
	`period` text NOT NULL,
	`step` text NOT NULL,
	`status` text NOT NULL,
	`left_json` text NOT NULL,
	`left_count` integer NOT NULL,
	`summary` text NOT NULL,
	`ran_by` text NOT NULL,
	`ran_at` text NOT NULL,
	`confirmed_by` text,
	`confirmed_at` text,
	PRIMARY KEY(`period`, `step`)
);
