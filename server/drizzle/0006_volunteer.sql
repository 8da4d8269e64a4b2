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
ALTER TABLE "volunteer_participations" ADD CONSTRAINT "volunteer_participations_activity_id_volunteer_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."volunteer_activities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_item_id_mall_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."mall_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "volunteer_profiles_user_key" ON "volunteer_profiles" USING btree ("user_id","community_id");--> statement-breakpoint
CREATE INDEX "volunteer_profiles_org_path_idx" ON "volunteer_profiles" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "volunteer_activities_org_path_idx" ON "volunteer_activities" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "volunteer_activities_community_idx" ON "volunteer_activities" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "volunteer_activities_instance_idx" ON "volunteer_activities" USING btree ("instance_id");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteer_participations_active_key" ON "volunteer_participations" USING btree ("activity_id","user_id") WHERE status <> 'released';--> statement-breakpoint
CREATE INDEX "volunteer_participations_user_idx" ON "volunteer_participations" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "points_ledger_cause_key" ON "points_ledger" USING btree ("cause_key");--> statement-breakpoint
CREATE UNIQUE INDEX "points_ledger_participation_key" ON "points_ledger" USING btree ("participation_id") WHERE kind = 'service';--> statement-breakpoint
CREATE INDEX "points_ledger_user_idx" ON "points_ledger" USING btree ("user_id","community_id");--> statement-breakpoint
CREATE INDEX "points_ledger_community_idx" ON "points_ledger" USING btree ("community_id","at");--> statement-breakpoint
CREATE INDEX "mall_items_org_path_idx" ON "mall_items" USING btree ("org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "mall_items_community_idx" ON "mall_items" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "redemptions_user_idx" ON "redemptions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "redemptions_org_path_idx" ON "redemptions" USING btree ("org_path" text_pattern_ops);
