// Tables of the dispute process (re-exported by db/schema.ts).
export {};
