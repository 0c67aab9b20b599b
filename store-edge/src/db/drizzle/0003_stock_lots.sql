CREATE TABLE `stock_lots` (
	`sku` text NOT NULL,
	`batch` text NOT NULL,
	`expires_on` text NOT NULL,
	`qty` integer NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`sku`, `batch`, `expires_on`)
);
--> statement-breakpoint
CREATE INDEX `stock_lots_by_expiry` ON `stock_lots` (`expires_on`);