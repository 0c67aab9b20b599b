CREATE TABLE `remote_commands` (
	`command_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`outcome` text NOT NULL,
	`detail` text,
	`at` text NOT NULL
);
