CREATE TABLE "repair_dispatches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"repair_id" uuid NOT NULL,
	"key" text NOT NULL,
	"technician_id" uuid,
	"mode" text NOT NULL,
	"dispatched_by" uuid,
	"comment" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "repair_duty_roster" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"technician_id" uuid NOT NULL,
	"property_company_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"compound_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"on_duty" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "repair_number_counters" (
	"day" text PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "repair_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"instance_id" uuid,
	"org_path" text NOT NULL,
	"community_id" uuid NOT NULL,
	"compound_id" uuid,
	"property_company_id" uuid,
	"room_id" uuid,
	"location" text NOT NULL,
	"category" text NOT NULL,
	"description" text NOT NULL,
	"photo_file_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"voice_file_id" uuid,
	"preferred_from" timestamp with time zone,
	"preferred_to" timestamp with time zone,
	"source" text NOT NULL,
	"event_id" uuid,
	"reporter_user_id" uuid NOT NULL,
	"reporter_resident_id" uuid,
	"status" text DEFAULT 'dispatching' NOT NULL,
	"technician_id" uuid,
	"dispatch_mode" text,
	"dispatched_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"send_back_reason" text,
	"send_back_note" text,
	"fix_note" text,
	"after_photo_file_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"materials" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"materials_cost" numeric(10, 2) DEFAULT '0' NOT NULL,
	"fixed_at" timestamp with time zone,
	"rating" integer,
	"rating_comment" text,
	"confirmed_at" timestamp with time zone,
	"auto_confirmed" boolean DEFAULT false NOT NULL,
	"review_note" text,
	"closed_as" text,
	"closed_at" timestamp with time zone,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispute_committee_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"title" text DEFAULT '委员' NOT NULL,
	"removed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispute_escalations" (
	"key" text PRIMARY KEY NOT NULL,
	"dispute_id" uuid NOT NULL,
	"step" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispute_parties" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dispute_id" uuid NOT NULL,
	"role" text NOT NULL,
	"name" text NOT NULL,
	"phone_enc" text,
	"phone_hash" text,
	"phone_masked" text,
	"address" text,
	"resident_id" uuid,
	"user_id" uuid,
	"signature_file_id" uuid,
	"signed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispute_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dispute_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"held_at" timestamp with time zone NOT NULL,
	"place" text NOT NULL,
	"attendees" jsonb NOT NULL,
	"notes" text NOT NULL,
	"file_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"shared" boolean DEFAULT false NOT NULL,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disputes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_no" text NOT NULL,
	"community_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"instance_id" uuid,
	"source" text NOT NULL,
	"hotline_ticket" text,
	"event_id" text,
	"event_instance_id" uuid,
	"registered_by" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"category" text,
	"status" text DEFAULT 'registered' NOT NULL,
	"accepted_by" uuid,
	"accepted_at" timestamp with time zone,
	"reject_reason" text,
	"referred_to" text,
	"mediator_id" uuid,
	"outcome" text,
	"terms" jsonb,
	"referral" text,
	"outcome_reason" text,
	"agreement_file_id" uuid,
	"record_file_id" uuid,
	"follow_up_at" timestamp with time zone,
	"follow_up_fulfilled" boolean,
	"follow_up_note" text,
	"overdue_count" integer DEFAULT 0 NOT NULL,
	"file_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_unit_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"code" text,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"materials" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"form_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"time_limit_days" integer NOT NULL,
	"accept_group" text DEFAULT 'community_admin' NOT NULL,
	"handle_group" text DEFAULT 'grid_worker' NOT NULL,
	"handling_org_unit_id" uuid,
	"review_group" text DEFAULT 'community_admin' NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"item_id" uuid NOT NULL,
	"item_name" text NOT NULL,
	"instance_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"applicant_resident_id" uuid NOT NULL,
	"applicant_user_id" uuid,
	"applicant_name" text NOT NULL,
	"channel" text NOT NULL,
	"registered_by" uuid,
	"form" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"form_sealed" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"materials" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"missing" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"supplement_count" integer DEFAULT 0 NOT NULL,
	"time_limit_days" integer NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone,
	"warn_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"used_working_ms" bigint DEFAULT 0 NOT NULL,
	"warned_at" timestamp with time zone,
	"overdue_at" timestamp with time zone,
	"urge_count" integer DEFAULT 0 NOT NULL,
	"last_urged_at" timestamp with time zone,
	"handler_user_id" uuid,
	"outcome" text,
	"refusal_reason" text,
	"result_file_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"concluded_at" timestamp with time zone,
	"on_time" boolean,
	"rating" integer,
	"rating_comment" text,
	"rated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mall_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" text DEFAULT 'goods' NOT NULL,
	"points_price" integer NOT NULL,
	"stock" integer NOT NULL,
	"organisation_id" uuid,
	"provider_name" text NOT NULL,
	"provider_user_id" uuid,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mall_items_stock_check" CHECK ("mall_items"."stock" >= 0),
	CONSTRAINT "mall_items_price_check" CHECK ("mall_items"."points_price" > 0)
);
--> statement-breakpoint
CREATE TABLE "points_ledger" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"amount" integer NOT NULL,
	"kind" text NOT NULL,
	"cause_key" text NOT NULL,
	"instance_id" uuid,
	"step" text,
	"activity_id" uuid,
	"participation_id" uuid,
	"redemption_id" uuid,
	"hours" numeric(6, 1) DEFAULT '0' NOT NULL,
	"note" text NOT NULL,
	"created_by" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "redemptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"quantity" integer NOT NULL,
	"points" integer NOT NULL,
	"status" text DEFAULT 'reserved' NOT NULL,
	"pickup_code" text NOT NULL,
	"fulfilled_by" uuid,
	"fulfilled_at" timestamp with time zone,
	"cancelled_by" uuid,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteer_activities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"community_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"place" text NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"slots" integer DEFAULT 1 NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"hours" numeric(6, 1) DEFAULT '1' NOT NULL,
	"file_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"created_by" uuid NOT NULL,
	"instance_id" uuid,
	"status" text DEFAULT 'pending_review' NOT NULL,
	"reviewed_by" uuid,
	"review_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "volunteer_activities_slots_check" CHECK ("volunteer_activities"."slots" >= 1),
	CONSTRAINT "volunteer_activities_points_check" CHECK ("volunteer_activities"."points" >= 0)
);
--> statement-breakpoint
CREATE TABLE "volunteer_participations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"activity_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"status" text DEFAULT 'signed_up' NOT NULL,
	"hours" numeric(6, 1),
	"confirmed_by" uuid,
	"confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteer_profiles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"resident_id" uuid,
	"community_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"is_party_member" boolean DEFAULT false NOT NULL,
	"skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"note" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"review_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "community_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"instance_id" uuid,
	"source" text NOT NULL,
	"hotline_ticket_no" text,
	"category_id" uuid,
	"reported_category_id" uuid,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"photo_file_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"lat" double precision,
	"lng" double precision,
	"address" text,
	"grid_id" uuid,
	"compound_id" uuid,
	"room_id" uuid,
	"org_path" text NOT NULL,
	"reporter_user_id" uuid,
	"caller_name" text,
	"caller_phone_enc" text,
	"caller_phone_masked" text,
	"created_by" uuid NOT NULL,
	"state" text DEFAULT 'reported' NOT NULL,
	"target" text,
	"handler_org_unit_id" uuid,
	"property_company_id" uuid,
	"handler_user_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sensitive" boolean DEFAULT false NOT NULL,
	"due_at" timestamp with time zone,
	"overdue_level" integer DEFAULT 0 NOT NULL,
	"classified_by" uuid,
	"handled_by" uuid,
	"result" text,
	"result_photo_file_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rating" integer,
	"rating_comment" text,
	"close_reason" text,
	"hotline_reply" text,
	"hotline_reply_status" text,
	"converted_to" text,
	"converted_case_id" uuid,
	"converted_instance_id" uuid,
	"reported_at" timestamp with time zone NOT NULL,
	"classified_at" timestamp with time zone,
	"dispatched_at" timestamp with time zone,
	"handled_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_categories" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"target" text NOT NULL,
	"handler_org_unit_id" uuid,
	"limit_value" integer NOT NULL,
	"limit_unit" text NOT NULL,
	"kind" text DEFAULT 'event' NOT NULL,
	"org_path" text DEFAULT '' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"sort_order" integer DEFAULT 100 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
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
ALTER TABLE "approval_items" ADD CONSTRAINT "approval_items_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_items" ADD CONSTRAINT "approval_items_handling_org_unit_id_org_units_id_fk" FOREIGN KEY ("handling_org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_item_id_approval_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."approval_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_applicant_resident_id_residents_id_fk" FOREIGN KEY ("applicant_resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_item_id_mall_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."mall_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_participations" ADD CONSTRAINT "volunteer_participations_activity_id_volunteer_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."volunteer_activities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "repair_dispatches_key" ON "repair_dispatches" USING btree ("key");--> statement-breakpoint
CREATE INDEX "repair_dispatches_repair_idx" ON "repair_dispatches" USING btree ("repair_id");--> statement-breakpoint
CREATE INDEX "repair_dispatches_technician_idx" ON "repair_dispatches" USING btree ("technician_id");--> statement-breakpoint
CREATE UNIQUE INDEX "repair_duty_roster_key" ON "repair_duty_roster" USING btree ("technician_id","community_id");--> statement-breakpoint
CREATE INDEX "repair_duty_roster_org_path_idx" ON "repair_duty_roster" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "repair_orders_number_key" ON "repair_orders" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "repair_orders_instance_key" ON "repair_orders" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "repair_orders_org_path_idx" ON "repair_orders" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "repair_orders_reporter_idx" ON "repair_orders" USING btree ("reporter_user_id");--> statement-breakpoint
CREATE INDEX "repair_orders_technician_idx" ON "repair_orders" USING btree ("technician_id","status");--> statement-breakpoint
CREATE INDEX "repair_orders_event_idx" ON "repair_orders" USING btree ("event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dispute_committee_member_uq" ON "dispute_committee_members" USING btree ("community_id","user_id");--> statement-breakpoint
CREATE INDEX "dispute_parties_dispute_idx" ON "dispute_parties" USING btree ("dispute_id");--> statement-breakpoint
CREATE INDEX "dispute_parties_user_idx" ON "dispute_parties" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dispute_sessions_seq_uq" ON "dispute_sessions" USING btree ("dispute_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "disputes_case_no_uq" ON "disputes" USING btree ("case_no");--> statement-breakpoint
CREATE INDEX "disputes_org_path_idx" ON "disputes" USING btree ("org_path");--> statement-breakpoint
CREATE INDEX "disputes_instance_idx" ON "disputes" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "disputes_mediator_idx" ON "disputes" USING btree ("mediator_id");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_items_code_key" ON "approval_items" USING btree ("org_unit_id","code");--> statement-breakpoint
CREATE INDEX "approval_items_org_path_idx" ON "approval_items" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_number_key" ON "approvals" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_instance_key" ON "approvals" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "approvals_org_path_idx" ON "approvals" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "approvals_item_idx" ON "approvals" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "approvals_applicant_user_idx" ON "approvals" USING btree ("applicant_user_id");--> statement-breakpoint
CREATE INDEX "approvals_submitted_idx" ON "approvals" USING btree ("submitted_at");--> statement-breakpoint
CREATE INDEX "mall_items_org_path_idx" ON "mall_items" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "mall_items_community_idx" ON "mall_items" USING btree ("community_id");--> statement-breakpoint
CREATE UNIQUE INDEX "points_ledger_cause_key" ON "points_ledger" USING btree ("cause_key");--> statement-breakpoint
CREATE UNIQUE INDEX "points_ledger_participation_key" ON "points_ledger" USING btree ("participation_id") WHERE kind = 'service';--> statement-breakpoint
CREATE INDEX "points_ledger_user_idx" ON "points_ledger" USING btree ("user_id","community_id");--> statement-breakpoint
CREATE INDEX "points_ledger_community_idx" ON "points_ledger" USING btree ("community_id","at");--> statement-breakpoint
CREATE INDEX "redemptions_user_idx" ON "redemptions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "redemptions_org_path_idx" ON "redemptions" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "volunteer_activities_org_path_idx" ON "volunteer_activities" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "volunteer_activities_community_idx" ON "volunteer_activities" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "volunteer_activities_instance_idx" ON "volunteer_activities" USING btree ("instance_id");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteer_participations_active_key" ON "volunteer_participations" USING btree ("activity_id","user_id") WHERE status <> 'released';--> statement-breakpoint
CREATE INDEX "volunteer_participations_user_idx" ON "volunteer_participations" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteer_profiles_user_key" ON "volunteer_profiles" USING btree ("user_id","community_id");--> statement-breakpoint
CREATE INDEX "volunteer_profiles_org_path_idx" ON "volunteer_profiles" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "community_events_ticket_idx" ON "community_events" USING btree ("hotline_ticket_no");--> statement-breakpoint
CREATE INDEX "community_events_instance_idx" ON "community_events" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "community_events_reporter_idx" ON "community_events" USING btree ("reporter_user_id");--> statement-breakpoint
CREATE INDEX "community_events_org_path_idx" ON "community_events" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "event_categories_code_idx" ON "event_categories" USING btree ("org_path","code");--> statement-breakpoint
CREATE INDEX "notify_attempts_delivery_idx" ON "notify_attempts" USING btree ("delivery_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notify_deliveries_key" ON "notify_deliveries" USING btree ("dedup_key","target","channel");--> statement-breakpoint
CREATE INDEX "notify_deliveries_due_idx" ON "notify_deliveries" USING btree ("channel","next_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "notify_deliveries_sending_idx" ON "notify_deliveries" USING btree ("locked_until") WHERE status = 'sending';--> statement-breakpoint
CREATE INDEX "notify_deliveries_inbox_idx" ON "notify_deliveries" USING btree ("inbox_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notify_inbox_key" ON "notify_inbox" USING btree ("user_id","dedup_key");--> statement-breakpoint
CREATE UNIQUE INDEX "notify_inbox_seq_key" ON "notify_inbox" USING btree ("user_id","seq");--> statement-breakpoint
CREATE INDEX "notify_inbox_unread_idx" ON "notify_inbox" USING btree ("user_id") WHERE read_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "notify_jobs_key" ON "notify_jobs" USING btree ("key");--> statement-breakpoint
CREATE INDEX "notify_jobs_due_idx" ON "notify_jobs" USING btree ("due_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "notify_rate_log_bucket_idx" ON "notify_rate_log" USING btree ("bucket","at");