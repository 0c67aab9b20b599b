CREATE TABLE `grni_accruals` (
	`period` text NOT NULL,
	`store_id` text NOT NULL,
	`receiving_id` text NOT NULL,
	`purchase_order_id` text,
	`supplier_id` text,
	`value_fen` integer NOT NULL,
	`voucher_id` integer,
	`reversal_voucher_id` integer,
	`accrued_by` text NOT NULL,
	`accrued_at` text NOT NULL,
	PRIMARY KEY(`period`, `store_id`, `receiving_id`)
);
