CREATE TABLE "wf_definitions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"process_id" text NOT NULL,
	"version" integer NOT NULL,
	"name" text,
	"xml" text NOT NULL,
	"hash" text NOT NULL,
	"deployed_by" uuid,
	"deployed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wf_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"instance_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"activity_id" text,
	"execution_id" text,
	"actor" text,
	"data" jsonb
);
--> statement-breakpoint
CREATE TABLE "wf_instances" (
	"id" uuid PRIMARY KEY NOT NULL,
	"definition_id" uuid NOT NULL,
	"process_id" text NOT NULL,
	"definition_version" integer NOT NULL,
	"business_key" text,
	"status" text NOT NULL,
	"state" jsonb NOT NULL,
	"variables" jsonb NOT NULL,
	"initiator" text,
	"org_path" text,
	"engine_version" text NOT NULL,
	"revision" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text
);
--> statement-breakpoint
CREATE TABLE "wf_jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"instance_id" uuid NOT NULL,
	"activity_id" text NOT NULL,
	"execution_id" text NOT NULL,
	"handler" text NOT NULL,
	"attempts" integer NOT NULL,
	"max_attempts" integer NOT NULL,
	"retry_interval_ms" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"last_error" text,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "wf_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"dedup_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "wf_snapshots" (
	"instance_id" uuid NOT NULL,
	"execution_id" text NOT NULL,
	"activity_id" text NOT NULL,
	"state" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wf_subscriptions" (
	"instance_id" uuid NOT NULL,
	"execution_id" text NOT NULL,
	"message_name" text NOT NULL,
	"activity_id" text NOT NULL,
	"business_key" text
);
--> statement-breakpoint
CREATE TABLE "wf_task_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid,
	"instance_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"target_user" text,
	"body" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wf_tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"instance_id" uuid NOT NULL,
	"process_id" text NOT NULL,
	"activity_id" text NOT NULL,
	"execution_id" text NOT NULL,
	"name" text,
	"assignee" text,
	"owner" text,
	"delegation_state" text,
	"candidate_users" text[] DEFAULT '{}'::text[] NOT NULL,
	"candidate_groups" text[] DEFAULT '{}'::text[] NOT NULL,
	"org_path" text,
	"due_at" timestamp with time zone,
	"follow_up_at" timestamp with time zone,
	"priority" integer DEFAULT 50 NOT NULL,
	"form_key" text,
	"status" text NOT NULL,
	"outcome" text,
	"comment" text,
	"completed_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "wf_timers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"instance_id" uuid,
	"definition_id" uuid NOT NULL,
	"activity_id" text NOT NULL,
	"execution_id" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"cycle" text,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "wf_instances" ADD CONSTRAINT "wf_instances_definition_id_wf_definitions_id_fk" FOREIGN KEY ("definition_id") REFERENCES "public"."wf_definitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wf_tasks" ADD CONSTRAINT "wf_tasks_instance_id_wf_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."wf_instances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "wf_definitions_version_key" ON "wf_definitions" USING btree ("process_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "wf_definitions_hash_key" ON "wf_definitions" USING btree ("process_id","hash");--> statement-breakpoint
CREATE INDEX "wf_history_instance_idx" ON "wf_history" USING btree ("instance_id","id");--> statement-breakpoint
CREATE INDEX "wf_instances_business_key_idx" ON "wf_instances" USING btree ("business_key");--> statement-breakpoint
CREATE INDEX "wf_instances_process_status_idx" ON "wf_instances" USING btree ("process_id","status");--> statement-breakpoint
CREATE INDEX "wf_instances_initiator_idx" ON "wf_instances" USING btree ("initiator");--> statement-breakpoint
CREATE INDEX "wf_instances_org_path_idx" ON "wf_instances" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "wf_jobs_execution_key" ON "wf_jobs" USING btree ("instance_id","execution_id");--> statement-breakpoint
CREATE INDEX "wf_jobs_due_idx" ON "wf_jobs" USING btree ("due_at") WHERE status = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "wf_outbox_dedup_key" ON "wf_outbox" USING btree ("dedup_key");--> statement-breakpoint
CREATE INDEX "wf_outbox_pending_idx" ON "wf_outbox" USING btree ("id") WHERE processed_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "wf_snapshots_key" ON "wf_snapshots" USING btree ("instance_id","execution_id");--> statement-breakpoint
CREATE INDEX "wf_snapshots_activity_idx" ON "wf_snapshots" USING btree ("instance_id","activity_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "wf_subscriptions_key" ON "wf_subscriptions" USING btree ("instance_id","execution_id");--> statement-breakpoint
CREATE INDEX "wf_subscriptions_message_idx" ON "wf_subscriptions" USING btree ("message_name","business_key");--> statement-breakpoint
CREATE INDEX "wf_task_events_instance_idx" ON "wf_task_events" USING btree ("instance_id","at");--> statement-breakpoint
CREATE INDEX "wf_task_events_cc_idx" ON "wf_task_events" USING btree ("target_user","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "wf_tasks_open_execution_key" ON "wf_tasks" USING btree ("instance_id","execution_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "wf_tasks_assignee_open_idx" ON "wf_tasks" USING btree ("assignee","created_at") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "wf_tasks_groups_open_idx" ON "wf_tasks" USING gin ("candidate_groups") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "wf_tasks_users_open_idx" ON "wf_tasks" USING gin ("candidate_users") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "wf_tasks_completed_by_idx" ON "wf_tasks" USING btree ("completed_by","completed_at");--> statement-breakpoint
CREATE INDEX "wf_tasks_instance_idx" ON "wf_tasks" USING btree ("instance_id","status");--> statement-breakpoint
CREATE INDEX "wf_timers_due_idx" ON "wf_timers" USING btree ("due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "wf_timers_execution_key" ON "wf_timers" USING btree ("instance_id","execution_id");