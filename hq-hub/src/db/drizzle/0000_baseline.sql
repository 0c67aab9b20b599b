-- drizzle-kit's baseline: the schema of src/db/schema.ts as migrations 0001..0017 left it.
-- Never run on a database (open.ts migrationPlan skips it); `npm run lint` builds a scratch
-- database from it and checks it has the shape the hand-written chain gives
-- (scripts/check-migrations.ts). Migrations generated after it run in journal order.
CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_hash` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`region` text,
	`created_at` text NOT NULL,
	`revoked_at` text,
	`revoked_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `audits` (
	`store_id` text NOT NULL,
	`audit_id` text NOT NULL,
	`action` text NOT NULL,
	`lane_id` text NOT NULL,
	`cashier_id` text NOT NULL,
	`supervisor_id` text,
	`sale_id` text,
	`sku` text,
	`amount_fen` integer,
	`detail` text NOT NULL,
	`at` text NOT NULL,
	PRIMARY KEY(`store_id`, `audit_id`)
);
--> statement-breakpoint
CREATE TABLE `barcodes` (
	`code` text PRIMARY KEY NOT NULL,
	`sku` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `barcodes_sku` ON `barcodes` (`sku`);--> statement-breakpoint
CREATE TABLE `cash_movements` (
	`store_id` text NOT NULL,
	`movement_id` text NOT NULL,
	`shift_id` text NOT NULL,
	`direction` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`reason` text NOT NULL,
	`moved_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `movement_id`)
);
--> statement-breakpoint
CREATE TABLE `cashiers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`pin_hash` text NOT NULL,
	`status` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `catalog_applied` (
	`store_id` text NOT NULL,
	`version` integer NOT NULL,
	`applied_at` text NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `catalog_epoch` (
	`id` integer PRIMARY KEY NOT NULL,
	`n` integer NOT NULL,
	CONSTRAINT "catalog_epoch_single_row" CHECK(id = 1)
);
--> statement-breakpoint
CREATE TABLE `catalog_releases` (
	`store_id` text NOT NULL,
	`position` integer NOT NULL,
	`changeset_id` integer NOT NULL,
	`released_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `position`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `catalog_releases_changeset` ON `catalog_releases` (`changeset_id`,`store_id`);--> statement-breakpoint
CREATE INDEX `catalog_releases_position` ON `catalog_releases` (`position`);--> statement-breakpoint
CREATE TABLE `category_names` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `changeset_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`changeset_id` integer NOT NULL,
	`action` text NOT NULL,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `changeset_items` (
	`changeset_id` integer NOT NULL,
	`entity` text NOT NULL,
	`key` text NOT NULL,
	`op` text NOT NULL,
	`data_json` text,
	`prev_json` text,
	`store_scope` text,
	PRIMARY KEY(`changeset_id`, `entity`, `key`),
	FOREIGN KEY (`changeset_id`) REFERENCES `changesets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `changeset_items_key` ON `changeset_items` (`entity`,`key`);--> statement-breakpoint
CREATE INDEX `changeset_items_store_scope` ON `changeset_items` (`store_scope`) WHERE store_scope IS NOT NULL;--> statement-breakpoint
CREATE TABLE `changesets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version` integer,
	`description` text DEFAULT '' NOT NULL,
	`target_json` text NOT NULL,
	`state` text DEFAULT 'draft' NOT NULL,
	`pilot_stores_json` text,
	`effective_at` text,
	`compensates` integer,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`released_by` text,
	`released_at` text,
	`promoted_by` text,
	`promoted_at` text,
	`rolled_back_by` text,
	`rolled_back_at` text,
	`pilot_position` integer,
	`general_position` integer,
	`kind` text DEFAULT 'catalog' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `changesets_version_unique` ON `changesets` (`version`);--> statement-breakpoint
CREATE TABLE `conflict_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conflict_id` integer NOT NULL,
	`store_id` text NOT NULL,
	`seq` integer NOT NULL,
	`choice` text NOT NULL,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	`note` text,
	`detail_json` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `conflicts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`seq` integer NOT NULL,
	`event_id` text NOT NULL,
	`existing_event_id` text NOT NULL,
	`reason` text NOT NULL,
	`existing_hash` text NOT NULL,
	`incoming_hash` text NOT NULL,
	`raw` text NOT NULL,
	`received_at` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`resolved_by` text,
	`resolved_at` text,
	`note` text,
	`committed_json` text,
	`applied_event_id` text,
	`applied_doc_id` text
);
--> statement-breakpoint
CREATE INDEX `conflicts_store_seq` ON `conflicts` (`store_id`,`seq`);--> statement-breakpoint
CREATE TABLE `coupon_conflicts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`first_store_id` text NOT NULL,
	`first_sale_id` text NOT NULL,
	`first_redeemed_at` text NOT NULL,
	`store_id` text NOT NULL,
	`sale_id` text NOT NULL,
	`redeemed_at` text NOT NULL,
	`detected_at` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`resolved_by` text,
	`resolved_at` text,
	`note` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `coupon_conflicts_code_store_id_sale_id_unique` ON `coupon_conflicts` (`code`,`store_id`,`sale_id`);--> statement-breakpoint
CREATE TABLE `coupon_redemptions` (
	`code` text NOT NULL,
	`store_id` text NOT NULL,
	`sale_id` text NOT NULL,
	`event_id` text NOT NULL,
	`redeemed_at` text NOT NULL,
	`received_at` text NOT NULL,
	`pushed` integer NOT NULL,
	PRIMARY KEY(`code`, `store_id`, `sale_id`)
);
--> statement-breakpoint
CREATE INDEX `coupon_redemptions_unpushed` ON `coupon_redemptions` (`pushed`) WHERE pushed = 0;--> statement-breakpoint
CREATE TABLE `coupons` (
	`code` text PRIMARY KEY NOT NULL,
	`promotion_id` text NOT NULL,
	`member_id` text,
	`valid_until` text,
	`status` text NOT NULL,
	`multi_use` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `credential_rotations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`requested_at` text NOT NULL,
	`requested_by` text NOT NULL,
	`sent_at` text,
	`sends` integer DEFAULT 0 NOT NULL,
	`completed_at` text,
	`completed_from` text,
	`state` text DEFAULT 'pending' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `credential_rotations_store` ON `credential_rotations` (`store_id`,`id`);--> statement-breakpoint
CREATE TABLE `day_digests` (
	`store_id` text NOT NULL,
	`business_day` text NOT NULL,
	`seq` integer NOT NULL,
	`event_id` text NOT NULL,
	`final` integer NOT NULL,
	`payload` text NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `business_day`)
);
--> statement-breakpoint
CREATE TABLE `dead_letters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`seq` integer,
	`topic` text NOT NULL,
	`reason` text NOT NULL,
	`field` text NOT NULL,
	`raw` text NOT NULL,
	`received_at` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`resolved_by` text,
	`resolved_at` text
);
--> statement-breakpoint
CREATE INDEX `dead_letters_store_seq` ON `dead_letters` (`store_id`,`seq`);--> statement-breakpoint
CREATE TABLE `deferred_index_marks` (
	`name` text PRIMARY KEY NOT NULL,
	`up_to` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `edge_instance_seqs` (
	`store_id` text NOT NULL,
	`instance_id` text NOT NULL,
	`max_reported_seq` integer NOT NULL,
	`last_status_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `instance_id`)
);
--> statement-breakpoint
CREATE TABLE `edge_resyncs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`instance_id` text,
	`previous_instance_id` text,
	`edge_last_seq` integer,
	`edge_acked_up_to` integer,
	`hq_head_seq` integer NOT NULL,
	`hq_max_seq` integer NOT NULL,
	`new_from` integer,
	`shift` integer DEFAULT 0 NOT NULL,
	`lost_json` text DEFAULT '[]' NOT NULL,
	`detail` text NOT NULL,
	`at` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`resolved_by` text,
	`resolved_at` text,
	`unreceived_json` text
);
--> statement-breakpoint
CREATE INDEX `edge_resyncs_store` ON `edge_resyncs` (`store_id`,`id`);--> statement-breakpoint
CREATE TABLE `finance_day_totals` (
	`store_id` text NOT NULL,
	`business_day` text NOT NULL,
	`account` text NOT NULL,
	`debit_fen` integer NOT NULL,
	`credit_fen` integer NOT NULL,
	PRIMARY KEY(`store_id`, `business_day`, `account`)
);
--> statement-breakpoint
CREATE TABLE `finance_failures` (
	`store_id` text NOT NULL,
	`business_day` text NOT NULL,
	`reason` text NOT NULL,
	`failed_at` text NOT NULL,
	`tried_at` text NOT NULL,
	`resolved_at` text,
	PRIMARY KEY(`store_id`, `business_day`)
);
--> statement-breakpoint
CREATE TABLE `finance_marks` (
	`name` text PRIMARY KEY NOT NULL,
	`up_to` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `finance_periods` (
	`period` text PRIMARY KEY NOT NULL,
	`closed_at` text NOT NULL,
	`closed_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `finance_shift_queue` (
	`store_id` text NOT NULL,
	`shift_id` text NOT NULL,
	PRIMARY KEY(`store_id`, `shift_id`)
);
--> statement-breakpoint
CREATE TABLE `finance_shifts` (
	`store_id` text NOT NULL,
	`shift_id` text NOT NULL,
	`business_day` text NOT NULL,
	`over_short_fen` integer NOT NULL,
	PRIMARY KEY(`store_id`, `shift_id`)
);
--> statement-breakpoint
CREATE TABLE `fleet_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`store_id` text,
	`subject` text DEFAULT '' NOT NULL,
	`opened_at` text NOT NULL,
	`last_at` text NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`detail_json` text NOT NULL,
	`closed_at` text,
	`closed_by` text
);
--> statement-breakpoint
CREATE INDEX `fleet_alerts_open` ON `fleet_alerts` (`kind`,`store_id`,`subject`) WHERE closed_at IS NULL;--> statement-breakpoint
CREATE TABLE `import_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`total_rows` integer NOT NULL,
	`processed_rows` integer NOT NULL,
	`errors_json` text DEFAULT '[]' NOT NULL,
	`changeset_id` integer,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE TABLE `inbox` (
	`event_id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`content_hash` text NOT NULL,
	`occurred_at` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_store_id_seq_unique` ON `inbox` (`store_id`,`seq`);--> statement-breakpoint
CREATE TABLE `lost_seqs` (
	`store_id` text NOT NULL,
	`from_seq` integer NOT NULL,
	`to_seq` integer NOT NULL,
	`reason` text NOT NULL,
	`resync_id` integer,
	`at` text NOT NULL,
	PRIMARY KEY(`store_id`, `from_seq`)
);
--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`phone` text NOT NULL,
	`name` text,
	`tier` text NOT NULL,
	`points` integer NOT NULL,
	`status` text NOT NULL,
	`spend_fen` integer DEFAULT 0 NOT NULL,
	`last_visit_at` text,
	`dirty` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_phone_unique` ON `members` (`phone`);--> statement-breakpoint
CREATE TABLE `price_findings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`sale_id` text NOT NULL,
	`event_id` text NOT NULL,
	`catalog_version` integer NOT NULL,
	`line_id` text,
	`field` text NOT NULL,
	`expected` text NOT NULL,
	`actual` text NOT NULL,
	`found_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `price_findings_store` ON `price_findings` (`store_id`);--> statement-breakpoint
CREATE TABLE `price_schedules` (
	`sku` text NOT NULL,
	`scope` text NOT NULL,
	`scope_key` text NOT NULL,
	`windows_json` text NOT NULL,
	PRIMARY KEY(`sku`, `scope`, `scope_key`)
);
--> statement-breakpoint
CREATE TABLE `products` (
	`sku` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_en` text,
	`category` text NOT NULL,
	`unit` text NOT NULL,
	`tax_rate` integer NOT NULL,
	`weighed` integer NOT NULL,
	`plu` text,
	`status` text NOT NULL,
	`data_json` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_plu_unique` ON `products` (`plu`);--> statement-breakpoint
CREATE TABLE `promotions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`data_json` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `purchase_order_lines` (
	`po_id` text NOT NULL,
	`sku` text NOT NULL,
	`qty` integer NOT NULL,
	`received` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`po_id`, `sku`),
	CONSTRAINT "purchase_order_lines_qty" CHECK(qty > 0)
);
--> statement-breakpoint
CREATE TABLE `purchase_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`supplier_id` text NOT NULL,
	`status` text NOT NULL,
	`note` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`ordered_by` text,
	`ordered_at` text,
	`expected_at` text,
	`ended_by` text,
	`ended_at` text
);
--> statement-breakpoint
CREATE INDEX `purchase_orders_status` ON `purchase_orders` (`status`);--> statement-breakpoint
CREATE INDEX `purchase_orders_store` ON `purchase_orders` (`store_id`,`status`);--> statement-breakpoint
CREATE TABLE `receivings` (
	`store_id` text NOT NULL,
	`receiving_id` text NOT NULL,
	`purchase_order_id` text,
	`supplier_id` text,
	`confirmed_by` text NOT NULL,
	`lines_json` text NOT NULL,
	`confirmed_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `receiving_id`)
);
--> statement-breakpoint
CREATE INDEX `receivings_by_po` ON `receivings` (`purchase_order_id`) WHERE purchase_order_id IS NOT NULL;--> statement-breakpoint
CREATE TABLE `reorder_points` (
	`store_id` text NOT NULL,
	`sku` text NOT NULL,
	`reorder_point` integer NOT NULL,
	`alerted` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`store_id`, `sku`)
);
--> statement-breakpoint
CREATE TABLE `return_lines` (
	`store_id` text NOT NULL,
	`return_id` text NOT NULL,
	`line_id` text NOT NULL,
	`sku` text NOT NULL,
	`qty` integer NOT NULL,
	`refund_fen` integer NOT NULL,
	`tax_fen` integer NOT NULL,
	`restock` integer NOT NULL,
	PRIMARY KEY(`store_id`, `return_id`, `line_id`)
);
--> statement-breakpoint
CREATE TABLE `returns` (
	`store_id` text NOT NULL,
	`return_id` text NOT NULL,
	`event_id` text NOT NULL,
	`receipt_no` text NOT NULL,
	`original_sale_id` text,
	`original_store_id` text,
	`reason` text NOT NULL,
	`cashier_id` text NOT NULL,
	`supervisor_id` text,
	`business_day` text NOT NULL,
	`refund_fen` integer NOT NULL,
	`tax_fen` integer NOT NULL,
	`returned_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `return_id`)
);
--> statement-breakpoint
CREATE INDEX `returns_store_day` ON `returns` (`store_id`,`business_day`);--> statement-breakpoint
CREATE TABLE `sale_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`sale_id` text NOT NULL,
	`line_id` text NOT NULL,
	`sku` text NOT NULL,
	`qty` integer NOT NULL,
	`weighed` integer NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`price_version` integer NOT NULL,
	`tax_rate` integer NOT NULL,
	`gross_fen` integer NOT NULL,
	`discount_fen` integer NOT NULL,
	`net_fen` integer NOT NULL,
	`tax_fen` integer NOT NULL,
	`override_catalog_price_fen` integer
);
--> statement-breakpoint
CREATE TABLE `sale_lines_by_sale` (
	`store_id` text NOT NULL,
	`sale_id` text NOT NULL,
	`id` integer NOT NULL,
	PRIMARY KEY(`store_id`, `sale_id`, `id`)
);
--> statement-breakpoint
CREATE TABLE `sales` (
	`store_id` text NOT NULL,
	`sale_id` text NOT NULL,
	`event_id` text NOT NULL,
	`receipt_no` text NOT NULL,
	`lane_id` text NOT NULL,
	`cashier_id` text NOT NULL,
	`shift_id` text NOT NULL,
	`business_day` text NOT NULL,
	`catalog_version` integer NOT NULL,
	`member_id` text,
	`gross_fen` integer NOT NULL,
	`discount_fen` integer NOT NULL,
	`net_fen` integer NOT NULL,
	`tax_fen` integer NOT NULL,
	`completed_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `sale_id`)
);
--> statement-breakpoint
CREATE INDEX `sales_store_day` ON `sales` (`store_id`,`business_day`);--> statement-breakpoint
CREATE TABLE `seq_ahead` (
	`store_id` text NOT NULL,
	`seq` integer NOT NULL,
	`event_id` text NOT NULL,
	PRIMARY KEY(`store_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `session_takeovers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`at` text NOT NULL,
	`new_address` text NOT NULL,
	`old_address` text NOT NULL,
	`old_connected_at` text,
	`alert_id` integer
);
--> statement-breakpoint
CREATE INDEX `session_takeovers_store` ON `session_takeovers` (`store_id`,`id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `shifts` (
	`store_id` text NOT NULL,
	`shift_id` text NOT NULL,
	`lane_id` text NOT NULL,
	`cashier_id` text NOT NULL,
	`business_day` text NOT NULL,
	`float_fen` integer,
	`opened_at` text,
	`closed_at` text,
	`counted_fen` integer,
	`expected_fen` integer,
	`over_short_fen` integer,
	`close_json` text,
	PRIMARY KEY(`store_id`, `shift_id`)
);
--> statement-breakpoint
CREATE TABLE `stock_counts` (
	`store_id` text NOT NULL,
	`count_id` text NOT NULL,
	`counted_by` text NOT NULL,
	`lines_json` text NOT NULL,
	`counted_at` text NOT NULL,
	PRIMARY KEY(`store_id`, `count_id`)
);
--> statement-breakpoint
CREATE TABLE `stock_ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`sku` text NOT NULL,
	`qty_delta` integer NOT NULL,
	`kind` text NOT NULL,
	`ref` text NOT NULL,
	`event_id` text,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stock_ledger_by_sku` (
	`store_id` text NOT NULL,
	`sku` text NOT NULL,
	`id` integer NOT NULL,
	PRIMARY KEY(`store_id`, `sku`, `id`)
);
--> statement-breakpoint
CREATE TABLE `stock_levels` (
	`store_id` text NOT NULL,
	`sku` text NOT NULL,
	`on_hand` integer NOT NULL,
	PRIMARY KEY(`store_id`, `sku`)
);
--> statement-breakpoint
CREATE INDEX `stock_levels_sku` ON `stock_levels` (`sku`);--> statement-breakpoint
CREATE TABLE `store_identity` (
	`store_id` text PRIMARY KEY NOT NULL,
	`instance_id` text NOT NULL,
	`since` text NOT NULL,
	`last_hello_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `store_seq` (
	`store_id` text PRIMARY KEY NOT NULL,
	`up_to_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `store_status` (
	`store_id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`app_version` text NOT NULL,
	`catalog_version` integer NOT NULL,
	`outbox_backlog` integer NOT NULL,
	`oldest_unacked_age_sec` integer,
	`last_seq` integer NOT NULL,
	`devices_json` text NOT NULL,
	`status_at` text NOT NULL,
	`last_seen_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stores` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`region` text NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`ring` text DEFAULT 'general' NOT NULL,
	`lat_e6` integer,
	`lng_e6` integer,
	`enrollment_state` text DEFAULT 'pending' NOT NULL,
	`enrollment_code_hash` text,
	`enrollment_code_expires_at` text,
	`mqtt_password_hash` text,
	`mqtt_password_mosquitto` text,
	`snapshot_floor` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`enrolled_at` text,
	`mqtt_password_pending` text,
	`mqtt_password_pending_hash` text
);
--> statement-breakpoint
CREATE TABLE `supplier_skus` (
	`sku` text PRIMARY KEY NOT NULL,
	`supplier_id` text NOT NULL,
	`assigned_by` text NOT NULL,
	`assigned_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `supplier_skus_supplier` ON `supplier_skus` (`supplier_id`);--> statement-breakpoint
CREATE TABLE `suppliers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`lead_time_days` integer NOT NULL,
	`min_order_qty` integer NOT NULL,
	`pack_size` integer NOT NULL,
	`created_at` text NOT NULL,
	`active` integer DEFAULT 1 NOT NULL,
	`updated_at` text,
	`deactivated_by` text,
	`deactivated_at` text
);
--> statement-breakpoint
CREATE TABLE `tenders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`doc_id` text NOT NULL,
	`doc_kind` text NOT NULL,
	`idx` integer NOT NULL,
	`kind` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`received_fen` integer,
	`change_fen` integer,
	`reference` text
);
--> statement-breakpoint
CREATE TABLE `tenders_by_doc` (
	`store_id` text NOT NULL,
	`doc_kind` text NOT NULL,
	`doc_id` text NOT NULL,
	`id` integer NOT NULL,
	PRIMARY KEY(`store_id`, `doc_kind`, `doc_id`, `id`)
);
--> statement-breakpoint
CREATE TABLE `training_activity` (
	`event_id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`type` text NOT NULL,
	`summary_json` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `voucher_lines` (
	`voucher_id` integer NOT NULL,
	`line_no` integer NOT NULL,
	`account` text NOT NULL,
	`debit_fen` integer NOT NULL,
	`credit_fen` integer NOT NULL,
	PRIMARY KEY(`voucher_id`, `line_no`),
	FOREIGN KEY (`voucher_id`) REFERENCES `vouchers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `vouchers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`business_day` text NOT NULL,
	`source_day` text NOT NULL,
	`posted_at` text NOT NULL,
	`memo` text NOT NULL,
	`debit_fen` integer NOT NULL,
	`credit_fen` integer NOT NULL,
	CONSTRAINT "vouchers_balanced" CHECK(debit_fen = credit_fen)
);
--> statement-breakpoint
CREATE INDEX `vouchers_by_day` ON `vouchers` (`business_day`,`store_id`);--> statement-breakpoint
CREATE INDEX `vouchers_by_source` ON `vouchers` (`store_id`,`source_day`);