CREATE TABLE `inventory_holds` (
	`store_id` text PRIMARY KEY NOT NULL,
	`from_ledger_id` integer NOT NULL,
	`reason` text NOT NULL,
	`held_at` text NOT NULL,
	`tried_at` text NOT NULL
);
