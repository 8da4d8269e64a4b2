-- The notification tables (issue 5; hand-written while it is built, consolidated by drizzle-kit later).
SELECT 1;
