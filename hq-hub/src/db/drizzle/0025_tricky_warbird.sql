CREATE TABLE `store_certificates` (
	`serial` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`issued_at` text NOT NULL,
	`not_after` text NOT NULL,
	`names_json` text NOT NULL,
	`reason` text NOT NULL,
	`superseded_at` text
);
--> statement-breakpoint
CREATE INDEX `store_certificates_store` ON `store_certificates` (`store_id`,`issued_at`);