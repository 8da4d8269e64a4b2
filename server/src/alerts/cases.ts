// The alert-handling case (bpmn/processes/alert-handling.bpmn, business key = the alert id) of alerts whose type
// needs handling. An alert is written with case_state 'pending' in the ingest transaction; right after commit
// the request starts its case, and the scheduled sweep starts any that a crash left behind. A claim
// (pending → starting, with a time) makes one starter do it; a starter that died after starting is recognised
// by the business key, so a case is never lost and never started twice.
import { and, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { wfInstances } from '../db/schema.js';
import type { Services } from '../services.js';
import { alerts } from './schema.js';
import type { AlertRow } from './announce.js';
import { settingFor } from './types.js';
import type { AlertType } from '@linli/contracts';

export const PROCESS_ID = 'alert-handling';
export const REPEAT_MESSAGE = 'alert.repeat';
const CLAIM_MS = 120_000;
export const CORRELATE_EVERY_MS = 30_000;

async function startOne(s: Services, id: string): Promise<boolean> {
  const now = s.now();
  const claim = (state: SQL | undefined) =>
    s.db
      .update(alerts)
      .set({ caseState: 'starting', caseClaimedAt: now })
      .where(and(eq(alerts.id, id), state))
      .returning();
  // a pending alert has no case yet (only a claim starts one); a claim gone stale may have started it
  let [a] = await claim(eq(alerts.caseState, 'pending'));
  const fresh = !!a;
  if (!a)
    [a] = await claim(
      and(eq(alerts.caseState, 'starting'), lt(alerts.caseClaimedAt, new Date(now.getTime() - CLAIM_MS))),
    );
  if (!a) return false;
  const [existing] = fresh
    ? []
    : await s.db
        .select({ id: wfInstances.id })
        .from(wfInstances)
        .where(and(eq(wfInstances.processId, PROCESS_ID), eq(wfInstances.businessKey, a.id)));
  let instanceId = existing?.id;
  if (!instanceId) {
    const setting = await settingFor(s.db, a.communityId, a.type as AlertType);
    const chain = a.routedTo;
    const instance = await s.workflow.runtime.start({
      processId: PROCESS_ID,
      businessKey: a.id,
      variables: {
        alertId: a.id,
        number: a.number,
        alertType: a.type,
        location: a.location,
        chain,
        level: 0,
        assignee: chain[0] ?? null,
        ackLimit: `PT${setting.ackMinutes}M`,
      },
      initiator: null,
      orgPath: a.orgPath,
    });
    instanceId = instance.id;
  }
  await s.db
    .update(alerts)
    .set({
      instanceId,
      caseState: 'started',
      // the case starts knowing the events so far: the first repeat message comes a correlation period later
      correlatedAt: now,
      timeline: sql`${alerts.timeline} || ${JSON.stringify([{ at: now.toISOString(), kind: 'case_started', actor: null, note: '已生成处置工单' }])}::jsonb`,
    })
    .where(eq(alerts.id, a.id));
  return true;
}

/** Case work: start the cases of these alerts, or correlate repeat events into their running cases. */
export type CaseJob = { op: 'start'; ids: string[] } | { op: 'correlate'; alerts: FoldedAlert[] };
/** what correlating needs of an alert an ingest folded events into */
export type FoldedAlert = Pick<AlertRow, 'id' | 'instanceId' | 'status'>;

/** Runs case jobs elsewhere (CaseThread: a worker thread of its own); resolves with what the job did. */
export interface CaseRunner {
  run(job: CaseJob): Promise<number>;
}

/** Does a case job here, on this event loop. */
export async function doCaseJob(s: Services, job: CaseJob): Promise<number> {
  if (job.op === 'start') return startCases(s, job.ids);
  await correlateRepeats(s, job.alerts);
  return job.alerts.length;
}

/**
 * Case work after an ingest commit (starting cases, correlating repeats) and the sweep's runs one job at a time
 * per server: a burst of new alerts then costs the runtime's steps one after another, interleaved with the
 * ingest requests, instead of dozens of concurrent engine runs that take every pooled connection and make the
 * next batch of events wait. Nothing is lost by the wait: the alerts are committed, and the sweep starts what a
 * crash left pending.
 */
const lanes = new WeakMap<Services, Promise<unknown>>();
export function inLane<T>(s: Services, job: () => Promise<T>): Promise<T> {
  const next = (lanes.get(s) ?? Promise.resolve()).then(job);
  lanes.set(
    s,
    next.catch(() => undefined),
  );
  return next;
}

/**
 * With a case runner (PostgreSQL: CaseThread), the engine work of alert cases — tens of milliseconds per step of
 * a large diagram — runs on a thread of its own, off the event loop that takes in device events and pushes
 * them; without one, or when it fails, in this process's lane.
 */
const runners = new WeakMap<Services, CaseRunner>();
export function useCaseRunner(s: Services, runner: CaseRunner | undefined): void {
  if (runner) runners.set(s, runner);
  else runners.delete(s);
}

export async function queueCaseJob(s: Services, job: CaseJob): Promise<number> {
  const runner = runners.get(s);
  if (runner) {
    try {
      return await runner.run(job);
    } catch (err) {
      s.logger.warn({ err }, 'the alert case thread failed a job; running it here');
    }
  }
  try {
    return await inLane(s, () => doCaseJob(s, job));
  } catch (err) {
    s.logger.warn({ err }, 'alert case work failed; the sweep retries');
    return 0;
  }
}

/** Starts the cases of these alerts (those still pending); logs and leaves for the sweep what fails. */
export async function startCases(s: Services, ids: string[]): Promise<number> {
  let n = 0;
  for (const [i, id] of ids.entries()) {
    const began = performance.now();
    try {
      if (await startOne(s, id)) n++;
    } catch (err) {
      s.logger.error({ err, alertId: id }, 'could not start the alert case; the sweep retries');
    }
    // A case start is tens of milliseconds of engine work on the event loop that also takes in device events.
    // In a burst (hundreds of new alerts at once) the lane rests as long as it worked before the next start,
    // so it takes at most about half the loop: events keep flowing and are pushed at once, the cases (their
    // alerts are already routed and announced) start a little later.
    if (i < ids.length - 1) await sleep(Math.min(performance.now() - began, MAX_REST_MS));
  }
  return n;
}

const MAX_REST_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The sweep: alerts still pending (their starter died) or claimed too long ago, started in the case lane. */
export async function sweepCases(s: Services): Promise<number> {
  const stale = new Date(s.now().getTime() - CLAIM_MS);
  const rows = await s.db
    .select({ id: alerts.id })
    .from(alerts)
    .where(
      or(
        and(eq(alerts.caseState, 'pending'), lt(alerts.createdAt, new Date(s.now().getTime() - 5_000))),
        and(eq(alerts.caseState, 'starting'), lt(alerts.caseClaimedAt, stale)),
      ),
    )
    .limit(200);
  return rows.length ? queueCaseJob(s, { op: 'start', ids: rows.map((r) => r.id) }) : 0;
}

/** Repeat events of alerts whose case runs: one message per alert per 30 s into the case. */
export async function correlateRepeats(s: Services, folded: FoldedAlert[]): Promise<void> {
  const now = s.now();
  const ids = folded
    .filter((a) => a.instanceId && a.status !== 'resolved' && a.status !== 'closed')
    .map((a) => a.id);
  if (!ids.length) return;
  const due = await s.db
    .update(alerts)
    .set({ correlatedAt: now })
    .where(
      and(
        inArray(alerts.id, ids),
        or(
          sql`${alerts.correlatedAt} is null`,
          lt(alerts.correlatedAt, new Date(now.getTime() - CORRELATE_EVERY_MS)),
        ),
      ),
    )
    .returning();
  for (const [i, a] of due.entries()) {
    const began = performance.now();
    try {
      await s.workflow.runtime.correlateMessage(REPEAT_MESSAGE, a.id, {
        repeatCount: a.count,
        lastAt: a.lastAt.toISOString(),
      });
    } catch (err) {
      s.logger.warn({ err, alertId: a.id }, 'could not correlate a repeat event into the alert case');
    }
    // paced like case starts: a step on a case no longer live in this process recovers its engine first
    if (i < due.length - 1) await sleep(Math.min(performance.now() - began, MAX_REST_MS));
  }
}
