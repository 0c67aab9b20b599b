ALTER TABLE `suppliers` ADD `tax_id` text;--> statement-breakpoint
ALTER TABLE `suppliers` ADD `payment_terms_days` integer DEFAULT 30 NOT NULL;