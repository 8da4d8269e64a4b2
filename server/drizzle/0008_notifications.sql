-- The notification tables (issue 5): inbox, deliveries and attempts, consent ledger, preferences, shared access
-- tokens, rate windows, grid robots, scheduled jobs.
CREATE TABLE "notify_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"outcome" text NOT NULL,
	"errcode" integer,
	"error" text,
	"duration_ms" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notify_consents" (
	"user_id" uuid NOT NULL,
	"template_id" text NOT NULL,
	"available" integer DEFAULT 0 NOT NULL,
	"long_term" boolean DEFAULT false NOT NULL,
	"last_result" text,
	"missed" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notify_consents_user_id_template_id_pk" PRIMARY KEY("user_id","template_id")
);
--> statement-breakpoint
CREATE TABLE "notify_cursors" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notify_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dedup_key" text NOT NULL,
	"target" text NOT NULL,
	"channel" text NOT NULL,
	"user_id" uuid,
	"inbox_id" uuid,
	"template" text NOT NULL,
	"urgency" text NOT NULL,
	"message" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"batch_id" uuid,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notify_inbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"dedup_key" text NOT NULL,
	"template" text NOT NULL,
	"urgency" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"instance_id" uuid,
	"task_id" uuid,
	"org_path" text,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notify_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notify_preferences" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"normal" text[],
	"urgent" text[],
	"quiet_start" text,
	"quiet_end" text,
	"wecom_user_id" text,
	"supervisor_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notify_rate_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bucket" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notify_robots" (
	"org_unit_id" uuid PRIMARY KEY NOT NULL,
	"org_path" text NOT NULL,
	"webhook_key" text NOT NULL,
	"name" text,
	"paused_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notify_tokens" (
	"app" text PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "notify_attempts_delivery_idx" ON "notify_attempts" USING btree ("delivery_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "notify_deliveries_key" ON "notify_deliveries" USING btree ("dedup_key","target","channel");
--> statement-breakpoint
CREATE INDEX "notify_deliveries_due_idx" ON "notify_deliveries" USING btree ("channel","next_at") WHERE status = 'pending';
--> statement-breakpoint
CREATE INDEX "notify_deliveries_sending_idx" ON "notify_deliveries" USING btree ("locked_until") WHERE status = 'sending';
--> statement-breakpoint
CREATE INDEX "notify_deliveries_inbox_idx" ON "notify_deliveries" USING btree ("inbox_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "notify_inbox_key" ON "notify_inbox" USING btree ("user_id","dedup_key");
--> statement-breakpoint
CREATE UNIQUE INDEX "notify_inbox_seq_key" ON "notify_inbox" USING btree ("user_id","seq");
--> statement-breakpoint
CREATE INDEX "notify_inbox_unread_idx" ON "notify_inbox" USING btree ("user_id") WHERE read_at is null;
--> statement-breakpoint
CREATE UNIQUE INDEX "notify_jobs_key" ON "notify_jobs" USING btree ("key");
--> statement-breakpoint
CREATE INDEX "notify_jobs_due_idx" ON "notify_jobs" USING btree ("due_at") WHERE status = 'pending';
--> statement-breakpoint
CREATE INDEX "notify_rate_log_bucket_idx" ON "notify_rate_log" USING btree ("bucket","at");
