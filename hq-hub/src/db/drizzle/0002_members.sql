CREATE TABLE `campaign_members` (
	`campaign_id` integer NOT NULL,
	`member_id` text NOT NULL,
	`treated` integer NOT NULL,
	`coupon_code` text,
	PRIMARY KEY(`campaign_id`, `member_id`)
);
--> statement-breakpoint
CREATE INDEX `campaign_members_coupon` ON `campaign_members` (`coupon_code`);--> statement-breakpoint
CREATE TABLE `member_activity` (
	`store_id` text NOT NULL,
	`doc_kind` text NOT NULL,
	`doc_id` text NOT NULL,
	`member_id` text NOT NULL,
	`at` text NOT NULL,
	`net_fen` integer NOT NULL,
	`points` integer NOT NULL,
	`coupons` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`store_id`, `doc_kind`, `doc_id`),
	CONSTRAINT "member_activity_kind" CHECK(doc_kind IN ('sale', 'return'))
);
--> statement-breakpoint
CREATE INDEX `member_activity_member` ON `member_activity` (`member_id`,`at`);--> statement-breakpoint
CREATE INDEX `member_activity_at` ON `member_activity` (`at`);--> statement-breakpoint
CREATE TABLE `member_campaigns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`segment_id` integer NOT NULL,
	`promotion_id` text NOT NULL,
	`holdout_percent` integer NOT NULL,
	`seed` integer NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`treated` integer NOT NULL,
	`control` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	CONSTRAINT "member_campaigns_holdout" CHECK(holdout_percent BETWEEN 1 AND 90)
);
--> statement-breakpoint
CREATE TABLE `member_category_spend` (
	`member_id` text NOT NULL,
	`category` text NOT NULL,
	`spend_fen` integer NOT NULL,
	`lines` integer NOT NULL,
	PRIMARY KEY(`member_id`, `category`)
);
--> statement-breakpoint
CREATE INDEX `member_category_by` ON `member_category_spend` (`category`);--> statement-breakpoint
CREATE TABLE `member_consents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` text NOT NULL,
	`purpose` text NOT NULL,
	`granted` integer NOT NULL,
	`wording` text NOT NULL,
	`at` text NOT NULL,
	`recorded_by` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `member_consents_member` ON `member_consents` (`member_id`,`id`);--> statement-breakpoint
CREATE TABLE `member_erasures` (
	`member_id` text PRIMARY KEY NOT NULL,
	`erased_at` text NOT NULL,
	`erased_by` text NOT NULL,
	`changeset_id` integer
);
--> statement-breakpoint
CREATE TABLE `member_profiles` (
	`member_id` text PRIMARY KEY NOT NULL,
	`visits` integer DEFAULT 0 NOT NULL,
	`spend_fen` integer DEFAULT 0 NOT NULL,
	`returns_fen` integer DEFAULT 0 NOT NULL,
	`first_visit_at` text,
	`last_visit_at` text,
	`coupons_used` integer DEFAULT 0 NOT NULL,
	`r_score` integer DEFAULT 0 NOT NULL,
	`f_score` integer DEFAULT 0 NOT NULL,
	`m_score` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `member_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`ran_at` text NOT NULL,
	`members` integer NOT NULL,
	`changed` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `member_segments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`rule_json` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`evaluated_at` text,
	`size` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `member_segments_name_unique` ON `member_segments` (`name`);--> statement-breakpoint
CREATE TABLE `member_store_spend` (
	`member_id` text NOT NULL,
	`store_id` text NOT NULL,
	`visits` integer NOT NULL,
	`spend_fen` integer NOT NULL,
	PRIMARY KEY(`member_id`, `store_id`)
);
--> statement-breakpoint
CREATE INDEX `member_store_by` ON `member_store_spend` (`store_id`);--> statement-breakpoint
CREATE TABLE `member_tier_rules` (
	`tier` text PRIMARY KEY NOT NULL,
	`rank` integer NOT NULL,
	`metric` text NOT NULL,
	`window_days` integer NOT NULL,
	`min_value` integer NOT NULL,
	CONSTRAINT "member_tier_rules_metric" CHECK(metric IN ('spend', 'points'))
);
