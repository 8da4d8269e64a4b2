CREATE TABLE "dispute_committee_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"title" text DEFAULT '委员' NOT NULL,
	"removed_at" timestamp with time zone,
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
CREATE TABLE "dispute_escalations" (
	"key" text PRIMARY KEY NOT NULL,
	"dispute_id" uuid NOT NULL,
	"step" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "dispute_committee_member_uq" ON "dispute_committee_members" USING btree ("community_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disputes_case_no_uq" ON "disputes" USING btree ("case_no");--> statement-breakpoint
CREATE INDEX "disputes_org_path_idx" ON "disputes" USING btree ("org_path");--> statement-breakpoint
CREATE INDEX "disputes_instance_idx" ON "disputes" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "disputes_mediator_idx" ON "disputes" USING btree ("mediator_id");--> statement-breakpoint
CREATE INDEX "dispute_parties_dispute_idx" ON "dispute_parties" USING btree ("dispute_id");--> statement-breakpoint
CREATE INDEX "dispute_parties_user_idx" ON "dispute_parties" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dispute_sessions_seq_uq" ON "dispute_sessions" USING btree ("dispute_id","seq");
