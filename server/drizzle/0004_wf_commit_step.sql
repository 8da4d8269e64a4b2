-- A workflow step committed in ONE statement: the runtime sends everything the step writes as one JSON
-- document and this function applies it atomically (a single statement is its own transaction). It does
-- what DrizzleRuntimeStore.commitStep did with ~9 statements and BEGIN/COMMIT, in one round trip, and
-- copies the engine state into the return/withdraw snapshots instead of receiving it twice.
-- Conflicts raise SQLSTATE LW409 (the store turns it into the runtime's ConflictError).
CREATE OR REPLACE FUNCTION wf_commit_step(p jsonb) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  i jsonb := p->'instance';
  iid uuid := (p->'instance'->>'id')::uuid;
  step_at timestamptz := (p->>'at')::timestamptz;
  fresh boolean := coalesce(jsonb_typeof(p->'expectedRevision'), 'null') = 'null';
  same_tasks boolean := coalesce((p->'unchanged'->>'tasks')::boolean, false);
  same_timers boolean := coalesce((p->'unchanged'->>'timers')::boolean, false);
  same_subs boolean := coalesce((p->'unchanged'->>'subscriptions')::boolean, false);
  waiting text[] := ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'waitingExecutionIds', '[]')));
  timer_keys text[] := ARRAY(SELECT x->>'executionId' FROM jsonb_array_elements(coalesce(p->'timers', '[]')) x);
  consumed uuid[] := ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'consumedTimerIds', '[]'))::uuid);
  sub_keys text[] := ARRAY(SELECT x->>'executionId' FROM jsonb_array_elements(coalesce(p->'subscriptions', '[]')) x);
  n integer;
BEGIN
  IF fresh THEN
    INSERT INTO wf_instances (id, definition_id, process_id, definition_version, business_key, status, state,
                              variables, initiator, org_path, engine_version, revision, started_at, ended_at, end_reason)
    VALUES (iid, (i->>'definitionId')::uuid, i->>'processId', (i->>'definitionVersion')::int, i->>'businessKey',
            i->>'status', i->'state', i->'variables', i->>'initiator', i->>'orgPath', i->>'engineVersion',
            (i->>'revision')::int, (i->>'startedAt')::timestamptz, (i->>'endedAt')::timestamptz, i->>'endReason');
  ELSE
    UPDATE wf_instances
       SET state = i->'state', variables = i->'variables', status = i->>'status', revision = (i->>'revision')::int,
           ended_at = (i->>'endedAt')::timestamptz, end_reason = i->>'endReason'
     WHERE id = iid AND revision = (p->>'expectedRevision')::int;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
      RAISE EXCEPTION 'instance % changed since revision %', iid, p->>'expectedRevision' USING ERRCODE = 'LW409';
    END IF;
  END IF;

  IF jsonb_typeof(p->'completeTask') = 'object' THEN
    UPDATE wf_tasks
       SET status = 'completed', outcome = p->'completeTask'->>'outcome', comment = p->'completeTask'->>'comment',
           completed_by = p->'completeTask'->>'completedBy', completed_at = step_at
     WHERE id = (p->'completeTask'->>'id')::uuid AND status = 'open';
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
      RAISE EXCEPTION 'task % is no longer open', p->'completeTask'->>'id' USING ERRCODE = 'LW409';
    END IF;
  END IF;

  IF jsonb_array_length(coalesce(p->'createTasks', '[]')) > 0 THEN
    INSERT INTO wf_tasks (id, instance_id, process_id, activity_id, execution_id, name, assignee, owner, delegation_state,
                          candidate_users, candidate_groups, org_path, due_at, follow_up_at, priority, form_key, status,
                          outcome, comment, completed_by, created_at, claimed_at, completed_at)
    SELECT t.id, t."instanceId", t."processId", t."activityId", t."executionId", t.name, t.assignee, t.owner,
           t."delegationState", coalesce(t."candidateUsers", '{}'), coalesce(t."candidateGroups", '{}'), t."orgPath",
           t."dueAt", t."followUpAt", coalesce(t.priority, 50), t."formKey", t.status, t.outcome, t.comment,
           t."completedBy", t."createdAt", t."claimedAt", t."completedAt"
      FROM jsonb_to_recordset(p->'createTasks') AS t(id uuid, "instanceId" uuid, "processId" text, "activityId" text,
           "executionId" text, name text, assignee text, owner text, "delegationState" text, "candidateUsers" text[],
           "candidateGroups" text[], "orgPath" text, "dueAt" timestamptz, "followUpAt" timestamptz, priority int,
           "formKey" text, status text, outcome text, comment text, "completedBy" text, "createdAt" timestamptz,
           "claimedAt" timestamptz, "completedAt" timestamptz)
    ON CONFLICT DO NOTHING;
  END IF;

  -- open tasks no longer waiting in the engine were interrupted (a boundary event fired, the case ended)
  IF NOT fresh AND NOT same_tasks THEN
    UPDATE wf_tasks SET status = 'cancelled', completed_at = step_at
     WHERE instance_id = iid AND status = 'open' AND NOT (execution_id = ANY (waiting));
  END IF;

  -- timers: keep the rows (and their claim leases) of timers still pending, drop the rest
  IF NOT fresh AND NOT same_timers THEN
    DELETE FROM wf_timers
     WHERE (instance_id = iid AND NOT (execution_id = ANY (timer_keys))) OR id = ANY (consumed);
  END IF;
  IF NOT same_timers AND jsonb_array_length(coalesce(p->'timers', '[]')) > 0 THEN
    INSERT INTO wf_timers (id, instance_id, definition_id, activity_id, execution_id, due_at, cycle)
    SELECT t.id, t."instanceId", t."definitionId", t."activityId", t."executionId", t."dueAt", t.cycle
      FROM jsonb_to_recordset(p->'timers') AS t(id uuid, "instanceId" uuid, "definitionId" uuid, "activityId" text,
           "executionId" text, "dueAt" timestamptz, cycle text)
    ON CONFLICT DO NOTHING;
  END IF;

  IF NOT fresh AND NOT same_subs THEN
    DELETE FROM wf_subscriptions WHERE instance_id = iid AND NOT (execution_id = ANY (sub_keys));
  END IF;
  IF NOT same_subs AND jsonb_array_length(coalesce(p->'subscriptions', '[]')) > 0 THEN
    INSERT INTO wf_subscriptions (instance_id, execution_id, message_name, activity_id, business_key)
    SELECT t."instanceId", t."executionId", t."messageName", t."activityId", t."businessKey"
      FROM jsonb_to_recordset(p->'subscriptions') AS t("instanceId" uuid, "executionId" text, "messageName" text,
           "activityId" text, "businessKey" text)
    ON CONFLICT DO NOTHING;
  END IF;

  IF jsonb_array_length(coalesce(p->'upsertJobs', '[]')) > 0 THEN
    INSERT INTO wf_jobs (id, instance_id, activity_id, execution_id, handler, attempts, max_attempts, retry_interval_ms,
                         due_at, status, last_error, locked_until)
    SELECT t.id, t."instanceId", t."activityId", t."executionId", t.handler, t.attempts, t."maxAttempts",
           t."retryIntervalMs", t."dueAt", t.status, t."lastError", NULL
      FROM jsonb_to_recordset(p->'upsertJobs') AS t(id uuid, "instanceId" uuid, "activityId" text, "executionId" text,
           handler text, attempts int, "maxAttempts" int, "retryIntervalMs" int, "dueAt" timestamptz, status text,
           "lastError" text)
    ON CONFLICT (instance_id, execution_id) DO UPDATE
       SET attempts = excluded.attempts, status = excluded.status, due_at = excluded.due_at,
           last_error = excluded.last_error, locked_until = NULL;
  END IF;

  IF jsonb_array_length(coalesce(p->'history', '[]')) > 0 THEN
    INSERT INTO wf_history (instance_id, kind, activity_id, execution_id, actor, data)
    SELECT (e.x->>'instanceId')::uuid, e.x->>'kind', e.x->>'activityId', e.x->>'executionId', e.x->>'actor',
           CASE WHEN jsonb_typeof(e.x->'data') = 'object' THEN e.x->'data' END
      FROM jsonb_array_elements(p->'history') WITH ORDINALITY AS e(x, ord)
     ORDER BY e.ord;
  END IF;

  IF jsonb_array_length(coalesce(p->'outbox', '[]')) > 0 THEN
    INSERT INTO wf_outbox (kind, dedup_key, payload)
    SELECT t.kind, t."dedupKey", t.payload
      FROM jsonb_to_recordset(p->'outbox') AS t(kind text, "dedupKey" text, payload jsonb)
    ON CONFLICT DO NOTHING;
  END IF;

  -- the state a returned (退回) or withdrawn (撤回) task goes back to is the state this step wrote
  IF jsonb_array_length(coalesce(p->'snapshots', '[]')) > 0 THEN
    INSERT INTO wf_snapshots (instance_id, execution_id, activity_id, state)
    SELECT iid, t."executionId", t."activityId", i->'state'
      FROM jsonb_to_recordset(p->'snapshots') AS t("executionId" text, "activityId" text)
    ON CONFLICT DO NOTHING;
  END IF;
END
$fn$;
