-- The volunteer process's tables (hand-written while issue 4 is built; consolidated by drizzle-kit later).
SELECT 1;
