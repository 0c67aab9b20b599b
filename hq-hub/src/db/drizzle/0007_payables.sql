CREATE TABLE `match_tolerances` (
	`scope` text PRIMARY KEY NOT NULL,
	`qty_units` integer NOT NULL,
	`qty_bp` integer NOT NULL,
	`price_fen` integer NOT NULL,
	`price_bp` integer NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `supplier_invoice_lines` (
	`invoice_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`sku` text NOT NULL,
	`qty` integer NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`tax_rate` integer NOT NULL,
	`net_fen` integer NOT NULL,
	`tax_fen` integer NOT NULL,
	PRIMARY KEY(`invoice_id`, `line_no`),
	CONSTRAINT "supplier_invoice_lines_amounts" CHECK(qty > 0 AND unit_price_fen >= 0 AND net_fen >= 0 AND tax_fen >= 0)
);
--> statement-breakpoint
CREATE TABLE `supplier_invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`supplier_id` text NOT NULL,
	`invoice_no` text NOT NULL,
	`purchase_order_id` text NOT NULL,
	`store_id` text NOT NULL,
	`invoice_date` text NOT NULL,
	`status` text NOT NULL,
	`net_fen` integer NOT NULL,
	`tax_fen` integer NOT NULL,
	`gross_fen` integer NOT NULL,
	`paid_fen` integer DEFAULT 0 NOT NULL,
	`match_json` text,
	`matched_at` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`decision_note` text,
	`voucher_id` integer,
	CONSTRAINT "supplier_invoices_amounts" CHECK(net_fen >= 0 AND tax_fen >= 0 AND paid_fen >= 0 AND paid_fen <= gross_fen)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `supplier_invoices_number` ON `supplier_invoices` (`supplier_id`,`invoice_no`);--> statement-breakpoint
CREATE INDEX `supplier_invoices_order` ON `supplier_invoices` (`purchase_order_id`);--> statement-breakpoint
CREATE INDEX `supplier_invoices_status` ON `supplier_invoices` (`status`);--> statement-breakpoint
CREATE TABLE `supplier_payments` (
	`id` text PRIMARY KEY NOT NULL,
	`invoice_id` text NOT NULL,
	`supplier_id` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`paid_on` text NOT NULL,
	`reference` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`voucher_id` integer,
	CONSTRAINT "supplier_payments_amount" CHECK(amount_fen > 0)
);
--> statement-breakpoint
CREATE INDEX `supplier_payments_invoice` ON `supplier_payments` (`invoice_id`);