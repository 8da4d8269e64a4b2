// Tables of the approval process (re-exported by db/schema.ts).
export {};
