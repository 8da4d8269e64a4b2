// Tables of the volunteer process (re-exported by db/schema.ts).
export {};
