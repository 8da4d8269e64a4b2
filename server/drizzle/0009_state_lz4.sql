-- Every workflow step writes the engine's state (the instance's, and for each task it opens a snapshot's), a
-- few KB of JSON that PostgreSQL TOAST-compresses. pglz, the default, cost the database about 15% of its
-- CPU per step in bench:workflow; lz4 does the same work in a fraction of the time. Only where the server was
-- built with lz4 (PostgreSQL 14+ from Debian is; PGlite is not, and keeps the default). Existing values stay
-- as they are; what is written from now on uses lz4.
DO $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)
  ) THEN
    ALTER TABLE wf_instances ALTER COLUMN state SET COMPRESSION lz4;
    ALTER TABLE wf_snapshots ALTER COLUMN state SET COMPRESSION lz4;
  END IF;
END $$;
