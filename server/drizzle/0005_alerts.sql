CREATE TABLE "alert_number_counters" (
	"day" text PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_schedule" (
	"name" text PRIMARY KEY NOT NULL,
	"next_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"last_result" jsonb
);
--> statement-breakpoint
CREATE TABLE "alert_type_overrides" (
	"community_id" uuid NOT NULL,
	"type" text NOT NULL,
	"severity" text,
	"needs_handling" boolean,
	"ack_minutes" integer,
	"storm_window_seconds" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_type_overrides_community_id_type_pk" PRIMARY KEY("community_id","type")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"needs_handling" boolean NOT NULL,
	"for_property" boolean DEFAULT false NOT NULL,
	"device_id" uuid,
	"device_code" text,
	"community_id" uuid NOT NULL,
	"grid_id" uuid,
	"org_path" text NOT NULL,
	"location" text NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"snapshot_file_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"routed_to" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"case_state" text DEFAULT 'none' NOT NULL,
	"case_claimed_at" timestamp with time zone,
	"instance_id" uuid,
	"correlated_at" timestamp with time zone,
	"resolution" text,
	"note" text,
	"verify_photo_file_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"acknowledged_by" uuid,
	"acknowledged_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"timeline" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"dedup_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "device_bridges" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"community_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"secret_enc" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"last_seen_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "device_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"device_code" text NOT NULL,
	"event_id" text NOT NULL,
	"device_id" uuid,
	"bridge_id" text NOT NULL,
	"matched" boolean NOT NULL,
	"reason" text,
	"type" text NOT NULL,
	"vendor_code" text NOT NULL,
	"state" text NOT NULL,
	"source" text NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL,
	"description" text,
	"payload" jsonb NOT NULL,
	"snapshot_file_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"alert_id" uuid
);
--> statement-breakpoint
CREATE TABLE "device_ingest_nonces" (
	"signature" text PRIMARY KEY NOT NULL,
	"bridge_id" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "device_snapshots" (
	"file_id" uuid PRIMARY KEY NOT NULL,
	"bridge_id" text NOT NULL,
	"sha256" text NOT NULL,
	"kind" text NOT NULL,
	"alert_id" uuid,
	"org_path" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"vendor" text NOT NULL,
	"kind" text NOT NULL,
	"community_id" uuid NOT NULL,
	"grid_id" uuid,
	"compound_id" uuid,
	"building_id" uuid,
	"unit_id" uuid,
	"room_id" uuid,
	"org_path" text NOT NULL,
	"location" text NOT NULL,
	"spot" text,
	"property_company_id" uuid,
	"online" boolean DEFAULT true NOT NULL,
	"last_seen_at" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"offline_after_seconds" integer DEFAULT 600 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grid_duty_roster" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"grid_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"user_id" uuid NOT NULL,
	"weekdays" integer[] DEFAULT '{1,2,3,4,5,6,7}'::int[] NOT NULL,
	"shift_start" text DEFAULT '00:00' NOT NULL,
	"shift_end" text DEFAULT '23:59' NOT NULL,
	"order" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_number_key" ON "alerts" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_dedup_key" ON "alerts" USING btree ("dedup_key");--> statement-breakpoint
CREATE INDEX "alerts_org_path_idx" ON "alerts" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "alerts_open_idx" ON "alerts" USING btree ("device_id","type") WHERE status in ('open', 'acknowledged', 'verifying');--> statement-breakpoint
CREATE INDEX "alerts_case_idx" ON "alerts" USING btree ("case_state") WHERE case_state in ('pending', 'starting');--> statement-breakpoint
CREATE INDEX "alerts_created_idx" ON "alerts" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "device_events_key" ON "device_events" USING btree ("device_code","event_id");--> statement-breakpoint
CREATE INDEX "device_events_alert_idx" ON "device_events" USING btree ("alert_id");--> statement-breakpoint
CREATE INDEX "device_events_device_idx" ON "device_events" USING btree ("device_id","occurred_at");--> statement-breakpoint
CREATE INDEX "device_ingest_nonces_seen_idx" ON "device_ingest_nonces" USING btree ("seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "device_snapshots_key" ON "device_snapshots" USING btree ("bridge_id","sha256");--> statement-breakpoint
CREATE INDEX "device_snapshots_kind_idx" ON "device_snapshots" USING btree ("kind","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_code_key" ON "devices" USING btree ("code");--> statement-breakpoint
CREATE INDEX "devices_org_path_idx" ON "devices" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "devices_room_idx" ON "devices" USING btree ("room_id");--> statement-breakpoint
CREATE UNIQUE INDEX "grid_duty_roster_key" ON "grid_duty_roster" USING btree ("grid_id","user_id");--> statement-breakpoint
CREATE INDEX "grid_duty_roster_org_path_idx" ON "grid_duty_roster" USING btree ("org_path" text_pattern_ops);