CREATE TABLE `voucher_exports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` text NOT NULL,
	`from_day` text NOT NULL,
	`to_day` text NOT NULL,
	`format` text NOT NULL,
	`vouchers` integer NOT NULL,
	`lines` integer NOT NULL,
	`debit_fen` integer NOT NULL,
	`max_voucher_id` integer NOT NULL,
	`exported_by` text NOT NULL,
	`exported_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `voucher_exports_by_range` ON `voucher_exports` (`company_id`,`from_day`);