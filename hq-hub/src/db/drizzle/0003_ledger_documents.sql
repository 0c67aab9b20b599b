CREATE TABLE `companies` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `company_stores` (
	`store_id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `company_stores_by_company` ON `company_stores` (`company_id`);--> statement-breakpoint
CREATE TABLE `ledger_accounts` (
	`company_id` text NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`name_en` text NOT NULL,
	`category` text NOT NULL,
	`side` text NOT NULL,
	`active` integer NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`company_id`, `code`),
	CONSTRAINT "ledger_accounts_side" CHECK(side IN ('debit', 'credit'))
);
--> statement-breakpoint
CREATE TABLE `posting_rules` (
	`company_id` text NOT NULL,
	`role` text NOT NULL,
	`account` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`company_id`, `role`)
);
--> statement-breakpoint
ALTER TABLE `vouchers` ADD `source_kind` text;--> statement-breakpoint
ALTER TABLE `vouchers` ADD `source_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `vouchers_by_document` ON `vouchers` (`source_kind`,`source_id`);