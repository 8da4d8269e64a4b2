// Tables of the repair process (re-exported by db/schema.ts).
export {};
