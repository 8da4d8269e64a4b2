// Tables of the events process (re-exported by db/schema.ts).
export {};
