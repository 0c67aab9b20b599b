CREATE TABLE `store_group_members` (
	`group_id` text NOT NULL,
	`store_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `store_id`)
);
--> statement-breakpoint
CREATE TABLE `store_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL
);
