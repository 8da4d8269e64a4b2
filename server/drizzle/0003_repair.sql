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
CREATE INDEX "repair_orders_event_idx" ON "repair_orders" USING btree ("event_id");
