CREATE TABLE `sale_line_discounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`sale_id` text NOT NULL,
	`line_id` text NOT NULL,
	`sku` text NOT NULL,
	`promotion_id` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`qty` integer NOT NULL,
	`net_fen` integer NOT NULL,
	`tax_fen` integer NOT NULL
);
