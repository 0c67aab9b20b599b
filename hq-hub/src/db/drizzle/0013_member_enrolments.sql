CREATE TABLE `member_enrolments` (
	`member_id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`event_id` text NOT NULL,
	`lane_id` text NOT NULL,
	`cashier_id` text NOT NULL,
	`enrolled_at` text NOT NULL,
	`outcome` text NOT NULL,
	`existing_member_id` text
);
