ALTER TABLE `stocktake_entries` ADD `batch` text;--> statement-breakpoint
ALTER TABLE `stocktake_entries` ADD `expires_on` text;--> statement-breakpoint
ALTER TABLE `stocktake_snapshot` ADD `lots_json` text;