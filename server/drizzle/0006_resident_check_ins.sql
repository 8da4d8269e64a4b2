CREATE TABLE "resident_check_ins" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"resident_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"org_path" text NOT NULL,
	"method" text NOT NULL,
	"note" text NOT NULL,
	"concern" boolean DEFAULT false NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "resident_check_ins" ADD CONSTRAINT "resident_check_ins_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_check_ins" ADD CONSTRAINT "resident_check_ins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "resident_check_ins_resident_idx" ON "resident_check_ins" USING btree ("resident_id","at");