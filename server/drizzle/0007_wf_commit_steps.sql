-- Several workflow steps in ONE statement (an application-level group commit): while one commit is on its
-- way, the store gathers the steps that become ready and sends them together. Each step is applied by
-- wf_commit_step inside its own subtransaction, so a step that conflicts (LW409) or fails for any other
-- reason is rolled back alone and reported in its slot of the result; the others commit. Result: one jsonb
-- array, null for a step that committed, {"code", "message"} for one that did not.
CREATE OR REPLACE FUNCTION wf_commit_steps(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $fn$
DECLARE
  step jsonb;
  results jsonb := '[]'::jsonb;
BEGIN
  FOR step IN SELECT x FROM jsonb_array_elements(p) AS e(x) LOOP
    BEGIN
      PERFORM wf_commit_step(step);
      results := results || 'null'::jsonb;
    EXCEPTION WHEN OTHERS THEN
      results := results || jsonb_build_array(jsonb_build_object('code', SQLSTATE, 'message', SQLERRM));
    END;
  END LOOP;
  RETURN results;
END
$fn$;
