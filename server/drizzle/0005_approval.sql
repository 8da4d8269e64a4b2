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
ALTER TABLE "approval_items" ADD CONSTRAINT "approval_items_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_items" ADD CONSTRAINT "approval_items_handling_org_unit_id_org_units_id_fk" FOREIGN KEY ("handling_org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_item_id_approval_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."approval_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_applicant_resident_id_residents_id_fk" FOREIGN KEY ("applicant_resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approval_items_code_key" ON "approval_items" USING btree ("org_unit_id","code");--> statement-breakpoint
CREATE INDEX "approval_items_org_path_idx" ON "approval_items" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_number_key" ON "approvals" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_instance_key" ON "approvals" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "approvals_org_path_idx" ON "approvals" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "approvals_item_idx" ON "approvals" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "approvals_applicant_user_idx" ON "approvals" USING btree ("applicant_user_id");--> statement-breakpoint
CREATE INDEX "approvals_submitted_idx" ON "approvals" USING btree ("submitted_at");
