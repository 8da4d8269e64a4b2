// The notification dispatcher: after commit, it turns outbox rows into inbox items and deliveries, sends the
// deliveries, merges robot messages, and runs the scheduled jobs (digest, reminders, escalation).
//
// Several processes may run it on one PostgreSQL: every claim is FOR UPDATE SKIP LOCKED, under a lease.
//
// What "never twice" means here, per (dedup key, target, channel):
//  - the in-app item is written in the transaction that marks the outbox row processed, and (user, key) is
//    unique: exactly once.
//  - an external send is at most once. The delivery row is unique per (key, target, channel). Before the HTTP
//    call, a transaction flips it from `pending` to `sending` (taking the consent or the rate slot with it);
//    after the call, another records the outcome. A row found in `sending` with an expired lease belongs to a
//    process that died between the two: the message may or may not have gone out, and neither WeChat nor WeCom
//    can be asked or given an idempotency key, so it is marked `uncertain` and NOT sent again. A send that
//    surely did not go out (connection refused, WeChat busy, rate limited) is retried with backoff. An urgent
//    item whose delivery ends failed, without consent or uncertain falls through to its next channel at once
//    (a different channel, so still no duplicate on one channel), and the reader's receipt decides the rest.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import schedule from 'node-schedule';
import type { DbOrTx, Tx } from '../db/client.js';
import { roleAssignments, orgUnits, users, wfOutbox, wfTasks } from '../db/schema.js';
import type { Services } from '../services.js';
import { enqueueNotice } from '../processes/shared/notify.js';
import type { Outcome } from './channels.js';
import type { NotifyChannels } from './index.js';
import {
  deliveryFor,
  groupMembers,
  loadRecipients,
  noticeFrom,
  reachable,
  robotFor,
  supervisorsOf,
  type DeliveryPlan,
  type Notice,
  type Recipient,
} from './plan.js';
import { pruneRateLog, ROBOT_LIMITS, takeSlot, WECOM_MEMBER_LIMITS } from './rate.js';
import {
  notifyAttempts,
  notifyConsents,
  notifyCursors,
  notifyDeliveries,
  notifyInbox,
  notifyJobs,
  notifyRobots,
} from './schema.js';
import { presentItem } from './present.js';
import { afterQuietHours, chinaDate, chinaDateTime, nextChinaTime } from './time.js';

export interface DispatcherOptions {
  /** periodic poll for rows written by other processes and by transactions that do not wake us (ms) */
  pollIntervalMs?: number;
  batch?: number;
  leaseMs?: number;
  /** sends at once */
  concurrency?: number;
  /** attempts before a delivery that keeps failing is given up */
  maxAttempts?: number;
  /** first retry delay, doubled per attempt (ms) */
  backoffMs?: number;
  /** at most one robot message per this many ms (with the 20 a minute cap this spreads and merges) */
  robotSpacingMs?: number;
  /**
   * a loop that goes round again (more work came) starts its next round no sooner than this after the last one
   * began (ms): under a burst each round takes what gathered meanwhile instead of a few rows for the same
   * half-dozen queries
   */
  roundGapMs?: number;
}

export interface RoundStats {
  outbox: number;
  sent: number;
  jobs: number;
  robots: number;
}

/** WeCom markdown takes 4096 bytes; keep room for the header. */
const ROBOT_MAX_BYTES = 3800;
const JOB_MAX_ATTEMPTS = 5;

type DeliveryRow = typeof notifyDeliveries.$inferSelect;

export class NotifyDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private wakeJob: schedule.Job | undefined;
  private wakeAt: number | undefined;
  private running = false;
  private prunedAt = 0;
  private stopped = true;
  private pending: NodeJS.Immediate | undefined;
  private readonly o: Required<DispatcherOptions>;

  constructor(
    private readonly s: Services,
    private readonly channels: NotifyChannels,
    options: DispatcherOptions = {},
  ) {
    this.o = {
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      batch: options.batch ?? 200,
      leaseMs: options.leaseMs ?? 60_000,
      concurrency: options.concurrency ?? 8,
      maxAttempts: options.maxAttempts ?? 6,
      backoffMs: options.backoffMs ?? 5_000,
      robotSpacingMs: options.robotSpacingMs ?? 3_000,
      roundGapMs: options.roundGapMs ?? 20,
    };
  }

  private get now(): Date {
    return this.s.now();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.ensureDigest();
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.o.pollIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearImmediate(this.pending);
    this.wakeJob?.cancel();
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  /**
   * A transaction that wrote outbox rows (`outbox`: a workflow step) or deliveries (`all`: a retry) committed: look
   * now rather than at the next poll. Outbox rows need only the expansion, which starts the sender when it writes
   * deliveries; under a burst of steps the sender is not run once per step for nothing.
   */
  wake(what: 'outbox' | 'all' = 'all'): void {
    if (this.stopped) return;
    if (what === 'all') this.wakeAll = true;
    if (this.pending) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      const all = this.wakeAll;
      this.wakeAll = false;
      void (all ? this.poll() : this.expandNow());
    });
  }

  private wakeAll = false;

  private async expandNow(): Promise<void> {
    await this.loop('expand', async () => (await this.expandOutbox()) > 0);
    await this.armNext().catch((err: unknown) => this.s.logger.error({ err }, 'notification wake-up failed'));
  }

  /** Runs rounds until nothing is due (tests and the benchmark call this with the clock where they want it). */
  async drain(maxRounds = 50): Promise<RoundStats> {
    const total: RoundStats = { outbox: 0, sent: 0, jobs: 0, robots: 0 };
    for (let i = 0; i < maxRounds; i++) {
      const r = await this.round();
      total.outbox += r.outbox;
      total.sent += r.sent;
      total.jobs += r.jobs;
      total.robots += r.robots;
      if (!r.outbox && !r.sent && !r.jobs && !r.robots) break;
    }
    return total;
  }

  /**
   * Two loops side by side, so that slow sends never hold up new inbox items: one turns the outbox into
   * inbox items (and pushes them), the other sends deliveries and runs jobs. Each repeats while it finds work.
   */
  async poll(): Promise<void> {
    await Promise.all([
      this.loop('expand', async () => (await this.expandOutbox()) > 0),
      this.loop('send', () => this.sendStep()),
    ]);
    await this.armNext().catch((err: unknown) => this.s.logger.error({ err }, 'notification wake-up failed'));
  }

  private readonly loops = new Map<string, { running: boolean; again: boolean }>();
  /** an expansion wrote deliveries (chat, SMS, robots) since the sender last heard of it */
  private deliveriesWritten = false;

  private async loop(name: string, step: () => Promise<boolean>): Promise<void> {
    const state = this.loops.get(name) ?? { running: false, again: false };
    this.loops.set(name, state);
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    this.running = true;
    try {
      for (let i = 0; i < 1000; i++) {
        state.again = false;
        const began = performance.now();
        const busy = await step();
        if (!busy && !state.again) break;
        const rest = this.o.roundGapMs - (performance.now() - began);
        if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
        // an expansion that wrote deliveries made work for the sender: let it know (one that only filled inboxes,
        // with no chat channel reachable, did not; the poll and the scheduled wake-up cover what falls due later)
        if (busy && name === 'expand' && this.deliveriesWritten) {
          this.deliveriesWritten = false;
          void this.loop('send', () => this.sendStep());
        }
      }
    } catch (err) {
      this.s.logger.error({ err, loop: name }, 'notification dispatcher round failed');
    } finally {
      state.running = false;
      this.running = [...this.loops.values()].some((l) => l.running);
    }
  }

  private async sendStep(): Promise<boolean> {
    await this.recoverAbandoned();
    const jobs = await this.runJobs();
    const sent = await this.sendDue();
    const robots = await this.sendRobots();
    return jobs + sent + robots > 0;
  }

  /** node-schedule wakes us for the next delivery or job due within the poll horizon. */
  private async armNext(): Promise<void> {
    if (this.stopped) return;
    const [row] = await this.s.store.rows<{ due: string | Date | null }>(sql`
      select least(
        (select min(next_at) from notify_deliveries where status = 'pending'),
        (select min(due_at) from notify_jobs where status = 'pending')) as due`);
    if (!row?.due) return;
    const due = new Date(row.due).getTime();
    if (due - Date.now() > 5 * 60_000 || (this.wakeAt && this.wakeAt <= due)) return;
    this.wakeJob?.cancel();
    this.wakeAt = due;
    this.wakeJob = schedule.scheduleJob(new Date(Math.max(due, Date.now() + 5)), () => {
      this.wakeAt = undefined;
      void this.poll();
    });
  }

  /** One round of everything. */
  async round(): Promise<RoundStats> {
    await this.recoverAbandoned();
    const outbox = await this.expandOutbox();
    const jobs = await this.runJobs();
    const sent = await this.sendDue();
    const robots = await this.sendRobots();
    return { outbox, sent, jobs, robots };
  }

  // ------------------------------------------------------------------ outbox → inbox + deliveries

  async expandOutbox(): Promise<number> {
    const now = this.now;
    const { items, count } = await this.s.db.transaction(async (tx) => {
      const claimed = await tx
        .select()
        .from(wfOutbox)
        .where(isNull(wfOutbox.processedAt))
        .orderBy(asc(wfOutbox.id))
        .limit(this.o.batch)
        .for('update', { skipLocked: true });
      if (!claimed.length) return { items: [], count: 0 };
      const notices: Notice[] = [];
      for (const row of claimed) {
        const n = await noticeFrom(tx, this.s.config, row);
        if (n && n.recipients.length) notices.push(n);
        else if (n?.groupTask) notices.push(n); // nobody personally, but the grid's work group
      }
      const inserted = await this.writeNotices(tx, notices, now);
      await tx
        .update(wfOutbox)
        .set({ processedAt: now })
        .where(
          inArray(
            wfOutbox.id,
            claimed.map((r) => r.id),
          ),
        );
      return { items: inserted, count: claimed.length };
    });
    for (const item of items)
      this.s.push.publish({ type: 'notification', item: presentItem(item) }, { users: [item.userId] });
    return count;
  }

  /** Inbox items (per-user sequence numbers in commit order), deliveries and jobs for these notices. */
  async writeNotices(tx: Tx, notices: Notice[], now: Date): Promise<(typeof notifyInbox.$inferSelect)[]> {
    if (!notices.length) return [];
    const recipients = await loadRecipients(tx, this.s.config, [
      ...new Set(notices.flatMap((n) => n.recipients)),
    ]);
    const pairs = notices.flatMap((n) =>
      n.recipients.filter((r) => recipients.has(r)).map((userId) => ({ n, userId })),
    );
    // sequence numbers: one upsert over the users in a fixed order (no deadlock between two dispatchers)
    const perUser = new Map<string, number>();
    for (const p of pairs) perUser.set(p.userId, (perUser.get(p.userId) ?? 0) + 1);
    const users = [...perUser.keys()].sort();
    const next = new Map<string, number>();
    if (users.length) {
      const got = await tx
        .insert(notifyCursors)
        .values(users.map((u) => ({ userId: u, seq: perUser.get(u)! })))
        .onConflictDoUpdate({
          target: notifyCursors.userId,
          set: { seq: sql`${notifyCursors.seq} + excluded.seq` },
        })
        .returning();
      for (const c of got) next.set(c.userId, c.seq - perUser.get(c.userId)! + 1);
    }
    const inboxRows = pairs.map(({ n, userId }) => {
      const seq = next.get(userId)!;
      next.set(userId, seq + 1);
      return {
        userId,
        seq,
        dedupKey: n.dedupKey,
        template: n.template,
        urgency: n.urgency,
        title: n.title,
        body: n.body,
        link: n.link,
        instanceId: n.instanceId,
        taskId: n.taskId,
        orgPath: n.orgPath,
        data: { ...n.data, ...(n.dueAt ? { dueAt: n.dueAt } : {}) },
        createdAt: now,
      };
    });
    const inserted = inboxRows.length
      ? await tx.insert(notifyInbox).values(inboxRows).onConflictDoNothing().returning()
      : [];
    const inboxOf = new Map(inserted.map((i) => [`${i.userId}|${i.dedupKey}`, i]));

    const deliveries: DeliveryPlan[] = [];
    const jobs: (typeof notifyJobs.$inferInsert)[] = [];
    const usable = this.channels.usable();
    for (const { n, userId } of pairs) {
      const item = inboxOf.get(`${userId}|${n.dedupKey}`);
      if (!item) continue; // already in the inbox: this cause was handled before
      const r = recipients.get(userId)!;
      const chain = reachable(r, n, usable, this.channels.templates);
      const ctx = { inboxId: item.id, now, templates: this.channels.templates, createdAt: now };
      if (n.urgency === 'urgent') {
        if (chain[0]) deliveries.push(deliveryFor(n, r, chain[0], { ...ctx, step: 0 }));
        jobs.push(this.escalation(item.id, userId, 1, now));
      } else if (chain[0]) deliveries.push(deliveryFor(n, r, chain[0], { ...ctx, step: 0 }));
      if (n.template === 'task.created' && n.taskId && n.dueAt) {
        const due = new Date(n.dueAt).getTime();
        const at = due - this.s.config.notify.remindBeforeMinutes * 60_000;
        if (at > now.getTime())
          jobs.push({
            key: `reminder:${n.taskId}:${n.dueAt}`,
            kind: 'reminder',
            dueAt: new Date(at),
            payload: { taskId: n.taskId, dueAt: n.dueAt },
            status: 'pending',
          });
      }
    }
    for (const n of notices.filter((x) => x.groupTask)) {
      const robot = await robotFor(tx, n.orgPath);
      if (!robot) continue;
      const mentions = n.recipients.map((u) => recipients.get(u)?.wecomUserId).filter(Boolean);
      deliveries.push({
        dedupKey: n.dedupKey,
        target: `grid:${robot.orgUnitId}`,
        channel: 'robot',
        userId: null,
        inboxId: null,
        template: n.template,
        urgency: n.urgency,
        message: { title: n.title, body: n.body, link: n.link, mentions },
        status: 'pending',
        // a work group is quiet at night too (the installation's hours); urgent items go at once
        nextAt:
          n.urgency === 'urgent'
            ? now
            : afterQuietHours(
                now,
                this.s.config.notify.quietHours.start,
                this.s.config.notify.quietHours.end,
              ),
      });
    }
    if (deliveries.length) this.deliveriesWritten = true;
    for (let i = 0; i < deliveries.length; i += 500)
      await tx
        .insert(notifyDeliveries)
        .values(deliveries.slice(i, i + 500))
        .onConflictDoNothing();
    if (jobs.length) await tx.insert(notifyJobs).values(jobs).onConflictDoNothing();
    return inserted;
  }

  private escalation(
    inboxId: string,
    userId: string,
    step: number,
    now: Date,
  ): typeof notifyJobs.$inferInsert {
    return {
      key: `escalate:${inboxId}:${step}`,
      kind: 'escalate',
      dueAt: new Date(now.getTime() + this.s.config.notify.escalateAfterMinutes * 60_000),
      payload: { inboxId, userId, step },
      status: 'pending',
    };
  }

  // ------------------------------------------------------------------ sending

  /** Rows left in `sending` by a process that died between sending and recording: never sent again. */
  async recoverAbandoned(): Promise<number> {
    const now = this.now;
    const lost = await this.s.db
      .update(notifyDeliveries)
      .set({
        status: 'uncertain',
        lockedUntil: null,
        lastError: 'the sender stopped between sending and recording the result',
      })
      .where(and(eq(notifyDeliveries.status, 'sending'), lt(notifyDeliveries.lockedUntil, now)))
      .returning();
    if (!lost.length) return 0;
    await this.s.db.insert(notifyAttempts).values(
      lost.map((d) => ({
        deliveryId: d.id,
        attempt: d.attempts + 1,
        outcome: 'uncertain' as const,
        error: 'abandoned while sending',
      })),
    );
    for (const d of lost) await this.fallThrough(this.s.db, d);
    return lost.length;
  }

  /** Sends due deliveries of the person channels (WeChat, WeCom application, SMS). */
  async sendDue(): Promise<number> {
    const now = this.now;
    const until = new Date(now.getTime() + this.o.leaseMs);
    const claimed = await this.s.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: notifyDeliveries.id })
        .from(notifyDeliveries)
        .where(
          and(
            eq(notifyDeliveries.status, 'pending'),
            inArray(notifyDeliveries.channel, ['wechat', 'wecom', 'sms']),
            lte(notifyDeliveries.nextAt, now),
            or(isNull(notifyDeliveries.lockedUntil), lt(notifyDeliveries.lockedUntil, now)),
          ),
        )
        .orderBy(asc(notifyDeliveries.nextAt))
        .limit(this.o.batch)
        .for('update', { skipLocked: true });
      if (!due.length) return [];
      return tx
        .update(notifyDeliveries)
        .set({ lockedUntil: until })
        .where(
          inArray(
            notifyDeliveries.id,
            due.map((d) => d.id),
          ),
        )
        .returning();
    });
    if (!claimed.length) return 0;
    // a slice at a time (as many as are sent at once): a crash leaves at most one slice `uncertain`
    let sent = 0;
    for (let i = 0; i < claimed.length; i += this.o.concurrency) {
      const ready = await this.prepare(claimed.slice(i, i + this.o.concurrency), until);
      const done = await Promise.all(
        ready.map(async (d) => {
          const began = Date.now();
          let outcome: Outcome;
          try {
            outcome = await this.channels.send(d);
          } catch (err) {
            // not an answer of the channel: we cannot tell whether it went out
            this.s.logger.error({ err, deliveryId: d.id, channel: d.channel }, 'notification send failed');
            outcome = { status: 'uncertain', error: err instanceof Error ? err.message : String(err) };
          }
          return { d, outcome, ms: Date.now() - began };
        }),
      );
      // one transaction records the slice (a crash before it leaves the rows `sending`: uncertain, not resent)
      if (done.length)
        await this.s.db.transaction(async (tx) => {
          // the common case, all at once: sent
          const ok = done.filter((r) => r.outcome.status === 'sent');
          if (ok.length) {
            await tx
              .update(notifyDeliveries)
              .set({
                status: 'sent',
                attempts: sql`${notifyDeliveries.attempts} + 1`,
                lockedUntil: null,
                lastError: null,
                sentAt: this.now,
              })
              .where(
                and(
                  inArray(
                    notifyDeliveries.id,
                    ok.map((r) => r.d.id),
                  ),
                  eq(notifyDeliveries.status, 'sending'),
                ),
              );
            await tx.insert(notifyAttempts).values(
              ok.map((r) => ({
                deliveryId: r.d.id,
                attempt: r.d.attempts + 1,
                outcome: 'sent' as const,
                durationMs: r.ms,
              })),
            );
          }
          for (const r of done) if (r.outcome.status !== 'sent') await this.record(r.d, r.outcome, r.ms, tx);
        });
      sent += done.length;
    }
    return sent;
  }

  /**
   * In one transaction: take WeCom rate slots (no slot: the row waits for one), flip the rows still ours to
   * `sending`, and take a WeChat consent for each (none left: `no_consent`, and the person is to be asked
   * again). Returns the rows to send now.
   */
  private async prepare(claimed: DeliveryRow[], lease: Date): Promise<DeliveryRow[]> {
    const now = this.now;
    return this.s.db.transaction(async (tx) => {
      const deferred = new Set<string>();
      for (const d of claimed.filter((c) => c.channel === 'wecom')) {
        const member = String((d.message as Record<string, unknown>).wecomUserId);
        const slot = await takeSlot(tx, `wecom:${member}`, WECOM_MEMBER_LIMITS, now);
        if (slot.ok) continue;
        deferred.add(d.id);
        await tx
          .update(notifyDeliveries)
          .set({ nextAt: slot.retryAt, lockedUntil: null })
          .where(and(eq(notifyDeliveries.id, d.id), eq(notifyDeliveries.lockedUntil, lease)));
      }
      const flip = claimed.filter((d) => !deferred.has(d.id)).map((d) => d.id);
      if (!flip.length) return [];
      // rows whose lease another dispatcher took over are not ours any more
      const mine = await tx
        .update(notifyDeliveries)
        .set({ status: 'sending' })
        .where(
          and(
            inArray(notifyDeliveries.id, flip),
            eq(notifyDeliveries.status, 'pending'),
            eq(notifyDeliveries.lockedUntil, lease),
          ),
        )
        .returning();
      const groups = new Map<string, DeliveryRow[]>();
      for (const d of mine.filter((r) => r.channel === 'wechat')) {
        const key = `${d.userId}|${String((d.message as Record<string, unknown>).templateId)}`;
        groups.set(key, [...(groups.get(key) ?? []), d]);
      }
      const without: DeliveryRow[] = [];
      for (const [key, rows] of groups) {
        const [userId, templateId] = key.split('|') as [string, string];
        const where = and(eq(notifyConsents.userId, userId), eq(notifyConsents.templateId, templateId));
        const [ledger] = await tx.select().from(notifyConsents).where(where).for('update');
        const can = !ledger ? 0 : ledger.longTerm ? rows.length : Math.min(ledger.available, rows.length);
        if (ledger && !ledger.longTerm && can > 0)
          await tx
            .update(notifyConsents)
            .set({ available: sql`${notifyConsents.available} - ${can}`, updatedAt: now })
            .where(where);
        if (can < rows.length) {
          without.push(...rows.slice(can));
          // no consent, no send: note it so the mini-program asks at the next tap
          await this.noteMissed(tx, userId, templateId, now, rows.length - can);
        }
      }
      if (without.length) {
        const marked = await tx
          .update(notifyDeliveries)
          .set({ status: 'no_consent', lockedUntil: null, lastError: 'no subscription consent left' })
          .where(
            inArray(
              notifyDeliveries.id,
              without.map((d) => d.id),
            ),
          )
          .returning();
        await tx.insert(notifyAttempts).values(
          without.map((d) => ({
            deliveryId: d.id,
            attempt: d.attempts + 1,
            outcome: 'no_consent' as const,
            error: 'no consent in the ledger',
          })),
        );
        for (const row of marked) await this.fallThrough(tx, row);
      }
      const skip = new Set(without.map((d) => d.id));
      return mine.filter((d) => !skip.has(d.id));
    });
  }

  private async noteMissed(tx: DbOrTx, userId: string, templateId: string, now: Date, n = 1): Promise<void> {
    await tx
      .insert(notifyConsents)
      .values({ userId, templateId, available: 0, missed: n, updatedAt: now })
      .onConflictDoUpdate({
        target: [notifyConsents.userId, notifyConsents.templateId],
        set: { missed: sql`${notifyConsents.missed} + ${n}`, available: 0, updatedAt: now },
      });
  }

  private backoff(attempt: number): number {
    return Math.min(this.o.backoffMs * 2 ** Math.max(0, attempt - 1), 30 * 60_000);
  }

  /** Records the result of one send of one delivery (or of a robot batch, row by row). */
  async record(d: DeliveryRow, outcome: Outcome, durationMs: number, tx0?: DbOrTx): Promise<void> {
    const now = this.now;
    const attempt = d.attempts + 1;
    const write = async (tx: DbOrTx) => {
      let status: DeliveryRow['status'];
      let nextAt = d.nextAt;
      let attemptOutcome: (typeof notifyAttempts.$inferInsert)['outcome'];
      if (outcome.status === 'retry') {
        if (attempt >= this.o.maxAttempts) {
          status = 'failed';
          attemptOutcome = 'failed';
        } else {
          status = 'pending';
          attemptOutcome = 'retry';
          nextAt = outcome.retryAt ?? new Date(now.getTime() + this.backoff(attempt));
        }
      } else {
        status = outcome.status;
        attemptOutcome = outcome.status;
      }
      const m = d.message as Record<string, unknown>;
      if (d.channel === 'wechat') {
        // a send that surely did not arrive did not use the consent; WeChat's 43101 says the ledger was wrong
        if (outcome.status === 'retry')
          await tx
            .update(notifyConsents)
            .set({
              available: sql`${notifyConsents.available} + case when ${notifyConsents.longTerm} then 0 else 1 end`,
            })
            .where(
              and(eq(notifyConsents.userId, d.userId!), eq(notifyConsents.templateId, String(m.templateId))),
            );
        if (outcome.status === 'no_consent') await this.noteMissed(tx, d.userId!, String(m.templateId), now);
      }
      const error = outcome.status === 'sent' ? null : outcome.error;
      const [row] = await tx
        .update(notifyDeliveries)
        .set({
          status,
          nextAt,
          attempts: attempt,
          lockedUntil: null,
          lastError: error,
          ...(outcome.status === 'sent' ? { sentAt: now } : {}),
        })
        .where(and(eq(notifyDeliveries.id, d.id), eq(notifyDeliveries.status, 'sending')))
        .returning();
      await tx.insert(notifyAttempts).values({
        deliveryId: d.id,
        attempt,
        outcome: attemptOutcome,
        errcode: 'errcode' in outcome ? (outcome.errcode ?? null) : null,
        error,
        durationMs,
      });
      if (row && status !== 'sent' && status !== 'pending') await this.fallThrough(tx, row);
    };
    if (tx0) await write(tx0);
    else await this.s.db.transaction(write);
  }

  /** An urgent item's delivery ended without reaching anyone: its next escalation step is due now. */
  private async fallThrough(tx: DbOrTx, d: DeliveryRow): Promise<void> {
    if (d.urgency !== 'urgent' || !d.inboxId) return;
    const step = Number((d.message as Record<string, unknown>).step ?? 0) + 1;
    await tx
      .update(notifyJobs)
      .set({ dueAt: this.now })
      .where(and(eq(notifyJobs.key, `escalate:${d.inboxId}:${step}`), eq(notifyJobs.status, 'pending')));
  }

  // ------------------------------------------------------------------ group robots

  /** Per grid robot: take a slot (20 a minute, spaced), merge everything pending into one markdown message. */
  async sendRobots(): Promise<number> {
    const now = this.now;
    const targets = await this.s.db
      .selectDistinct({ target: notifyDeliveries.target })
      .from(notifyDeliveries)
      .where(
        and(
          eq(notifyDeliveries.channel, 'robot'),
          eq(notifyDeliveries.status, 'pending'),
          lte(notifyDeliveries.nextAt, now),
          or(isNull(notifyDeliveries.lockedUntil), lt(notifyDeliveries.lockedUntil, now)),
        ),
      );
    let messages = 0;
    for (const { target } of targets) {
      try {
        if (await this.sendRobotBatch(target, now)) messages++;
      } catch (err) {
        this.s.logger.error({ err, target }, 'robot send failed');
      }
    }
    return messages;
  }

  private async sendRobotBatch(target: string, now: Date): Promise<boolean> {
    const orgUnitId = target.replace(/^grid:/, '');
    const lease = new Date(now.getTime() + this.o.leaseMs);
    const batchId = randomUUID();
    const batch = await this.s.db.transaction(async (tx) => {
      const [robot] = await tx.select().from(notifyRobots).where(eq(notifyRobots.orgUnitId, orgUnitId));
      const pendingHere = and(
        eq(notifyDeliveries.target, target),
        eq(notifyDeliveries.channel, 'robot'),
        eq(notifyDeliveries.status, 'pending'),
      );
      if (!robot) {
        await tx
          .update(notifyDeliveries)
          .set({ status: 'skipped', lastError: 'the grid has no robot now' })
          .where(pendingHere);
        return undefined;
      }
      const wait = async (until: Date) => {
        await tx
          .update(notifyDeliveries)
          .set({ nextAt: until })
          .where(and(pendingHere, lt(notifyDeliveries.nextAt, until)));
        return undefined;
      };
      if (robot.pausedUntil && robot.pausedUntil > now) return wait(robot.pausedUntil);
      const rows = await tx
        .select()
        .from(notifyDeliveries)
        .where(and(pendingHere, lte(notifyDeliveries.nextAt, now)))
        .orderBy(asc(notifyDeliveries.createdAt))
        .limit(300)
        .for('update', { skipLocked: true });
      if (!rows.length) return undefined;
      const limits = [...ROBOT_LIMITS, { windowMs: this.o.robotSpacingMs, max: 1 }];
      const slot = await takeSlot(tx, `robot:${orgUnitId}`, limits, now);
      if (!slot.ok) return wait(slot.retryAt);
      const { markdown, included } = mergeRobotMessage(rows);
      await tx
        .update(notifyDeliveries)
        .set({ status: 'sending', lockedUntil: lease, batchId })
        .where(
          inArray(
            notifyDeliveries.id,
            included.map((r) => r.id),
          ),
        );
      return {
        key: robot.webhookKey,
        markdown,
        rows: included.map((r) => ({ ...r, status: 'sending' as const })),
      };
    });
    if (!batch) return false;
    const began = Date.now();
    const outcome = await this.channels.robot.send(batch.key, batch.markdown, now);
    await this.s.db.transaction(async (tx) => {
      for (const row of batch.rows) await this.record(row, outcome, Date.now() - began, tx);
      if (outcome.status === 'retry' && outcome.retryAt)
        await tx
          .update(notifyRobots)
          .set({ pausedUntil: outcome.retryAt })
          .where(eq(notifyRobots.orgUnitId, orgUnitId));
    });
    return true;
  }

  // ------------------------------------------------------------------ scheduled jobs

  /** The next daily digest exists as a row (restarts neither lose nor repeat it). */
  async ensureDigest(): Promise<void> {
    const at = nextChinaTime(this.now, this.s.config.notify.digestAt);
    await this.s.db
      .insert(notifyJobs)
      .values({ key: `digest:${chinaDate(at)}`, kind: 'digest', dueAt: at, payload: {}, status: 'pending' })
      .onConflictDoNothing();
  }

  async runJobs(): Promise<number> {
    const now = this.now;
    const until = new Date(now.getTime() + this.o.leaseMs);
    const claimed = await this.s.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: notifyJobs.id })
        .from(notifyJobs)
        .where(
          and(
            eq(notifyJobs.status, 'pending'),
            lte(notifyJobs.dueAt, now),
            or(isNull(notifyJobs.lockedUntil), lt(notifyJobs.lockedUntil, now)),
          ),
        )
        .orderBy(asc(notifyJobs.dueAt))
        .limit(this.o.batch)
        .for('update', { skipLocked: true });
      if (!due.length) return [];
      return tx
        .update(notifyJobs)
        .set({ lockedUntil: until, attempts: sql`${notifyJobs.attempts} + 1` })
        .where(
          inArray(
            notifyJobs.id,
            due.map((d) => d.id),
          ),
        )
        .returning();
    });
    for (const job of claimed) {
      try {
        await this.s.db.transaction(async (tx) => {
          if (job.kind === 'digest') await this.digest(tx, job, now);
          else if (job.kind === 'reminder') await this.reminder(tx, job);
          else await this.escalate(tx, job, now);
          const done = await tx
            .update(notifyJobs)
            .set({ status: 'done', doneAt: now, lockedUntil: null })
            .where(and(eq(notifyJobs.id, job.id), eq(notifyJobs.lockedUntil, until)))
            .returning();
          if (!done.length) throw new LeaseLost();
        });
      } catch (err) {
        if (err instanceof LeaseLost) continue;
        this.s.logger.error({ err, job: job.key }, 'notification job failed');
        await this.s.db
          .update(notifyJobs)
          .set({
            lastError: err instanceof Error ? err.message : String(err),
            lockedUntil: null,
            dueAt: new Date(now.getTime() + this.backoff(job.attempts)),
            ...(job.attempts >= JOB_MAX_ATTEMPTS ? { status: 'failed' as const } : {}),
          })
          .where(eq(notifyJobs.id, job.id));
      }
    }
    if (now.getTime() - this.prunedAt > 10 * 60_000) {
      this.prunedAt = now.getTime();
      await pruneRateLog(this.s.db, now);
    }
    return claimed.length;
  }

  /** 08:30: every grid worker with open tasks gets one message listing them; then the next day's row. */
  private async digest(tx: Tx, job: typeof notifyJobs.$inferSelect, now: Date): Promise<void> {
    const date = job.key.replace(/^digest:/, '');
    const next = nextChinaTime(now, this.s.config.notify.digestAt);
    await tx
      .insert(notifyJobs)
      .values({
        key: `digest:${chinaDate(next)}`,
        kind: 'digest',
        dueAt: next,
        payload: {},
        status: 'pending',
      })
      .onConflictDoNothing();
    // a digest that is half a day late is no longer news
    if (now.getTime() - job.dueAt.getTime() > 12 * 3_600_000) return;
    const workers = await tx
      .select({ userId: roleAssignments.userId, path: orgUnits.path })
      .from(roleAssignments)
      .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
      .innerJoin(users, eq(users.id, roleAssignments.userId))
      .where(and(eq(roleAssignments.role, 'grid_worker'), eq(users.status, 'active')));
    const byUser = new Map<string, string[]>();
    for (const w of workers) byUser.set(w.userId, [...(byUser.get(w.userId) ?? []), w.path]);
    for (const [userId, paths] of byUser) {
      const inArea = paths.map((p) => sql`left(${wfTasks.orgPath}, ${p.length}) = ${p}`);
      const open = await tx
        .select({ id: wfTasks.id, name: wfTasks.name, dueAt: wfTasks.dueAt })
        .from(wfTasks)
        .where(
          and(
            eq(wfTasks.status, 'open'),
            or(
              eq(wfTasks.assignee, userId),
              and(
                isNull(wfTasks.assignee),
                or(
                  sql`${userId} = any(${wfTasks.candidateUsers})`,
                  and(sql`'grid_worker' = any(${wfTasks.candidateGroups})`, or(...inArea)),
                ),
              ),
            ),
          ),
        )
        .orderBy(sql`${wfTasks.dueAt} asc nulls last`)
        .limit(100);
      const elderly = await this.elderlyDue(tx, paths, now);
      if (!open.length && !elderly.length) continue;
      const overdue = open.filter((t) => t.dueAt && t.dueAt < now).length;
      const lines = open
        .slice(0, 5)
        .map((t) => `· ${t.name ?? '待办'}${t.dueAt ? `（${chinaDateTime(t.dueAt)} 到期）` : ''}`);
      if (open.length > 5) lines.push(`…等 ${open.length} 件`);
      if (elderly.length) {
        lines.push(`独居老人待探访 ${elderly.length} 位：`);
        for (const e of elderly.slice(0, 5))
          lines.push(
            `· ${maskName(e.name)}（${e.last ? `上次探访 ${chinaDate(new Date(e.last))}` : '尚无探访记录'}）`,
          );
        if (elderly.length > 5) lines.push(`…等 ${elderly.length} 位`);
      }
      const title = [
        open.length ? `今日待办 ${open.length} 件${overdue ? `，其中超期 ${overdue} 件` : ''}` : '',
        elderly.length ? `独居老人待探访 ${elderly.length} 位` : '',
      ]
        .filter(Boolean)
        .join('；');
      await enqueueNotice(tx, {
        dedupKey: `digest:${date}:${userId}`,
        recipients: [userId],
        template: 'digest.daily',
        title,
        body: lines.join('\n'),
        link: '/pages/tasks/index',
        data: { open: open.length, overdue, elderlyDue: elderly.length, date },
      });
    }
  }

  /**
   * Elderly residents living alone in these areas whom nobody has checked in on (visit, call) for
   * NOTIFY_ELDERLY_CHECKIN_DAYS days: the longest waiting first.
   */
  private async elderlyDue(
    tx: Tx,
    paths: string[],
    now: Date,
  ): Promise<{ id: string; name: string; last: string | null }[]> {
    const days = this.s.config.notify.elderlyCheckInDays;
    if (!days || !paths.length) return [];
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    const inArea = sql.join(
      paths.map((p) => sql`left(r.org_path, ${p.length}) = ${p}`),
      sql` or `,
    );
    const res = await tx.execute(sql`
      select r.id, r.name,
             to_char(max(c.at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as last
      from residents r left join resident_check_ins c on c.resident_id = r.id
      where r.status = 'active' and 'elderly_living_alone' = any(r.tags) and (${inArea})
      group by r.id, r.name
      having max(c.at) is null or max(c.at) < ${cutoff}::timestamptz
      order by max(c.at) asc nulls first, r.name
      limit 50`);
    // both drivers answer { rows }
    return (res as unknown as { rows: { id: string; name: string; last: string | null }[] }).rows;
  }

  /** Before a task's due date: remind whoever may act on it, if it is still open and still due then. */
  private async reminder(tx: Tx, job: typeof notifyJobs.$inferSelect): Promise<void> {
    const { taskId, dueAt } = job.payload as { taskId: string; dueAt: string };
    const [task] = await tx.select().from(wfTasks).where(eq(wfTasks.id, taskId));
    if (!task || task.status !== 'open' || task.dueAt?.toISOString() !== new Date(dueAt).toISOString())
      return;
    const recipients = task.assignee
      ? [task.assignee]
      : [
          ...new Set([
            ...task.candidateUsers,
            ...(await groupMembers(tx, task.candidateGroups, task.orgPath)),
          ]),
        ];
    await enqueueNotice(tx, {
      dedupKey: `reminder:${taskId}:${dueAt}`,
      recipients,
      template: 'task.due_soon',
      title: `待办即将到期：${task.name ?? '待办'}`,
      body: `请于 ${chinaDateTime(task.dueAt)} 前办理`,
      instanceId: task.instanceId,
      link: `/pages/task/index?id=${taskId}`,
      data: { taskId, dueAt, orgPath: task.orgPath },
    });
  }

  /**
   * An urgent item, `escalateAfterMinutes` later (or at once when a channel failed): read or acted on → done;
   * else the next channel of the person's urgent list; after the last one, their supervisor is told.
   */
  private async escalate(tx: Tx, job: typeof notifyJobs.$inferSelect, now: Date): Promise<void> {
    const { inboxId, userId, step } = job.payload as { inboxId: string; userId: string; step: number };
    const [item] = await tx.select().from(notifyInbox).where(eq(notifyInbox.id, inboxId));
    if (!item || item.readAt) return;
    if (item.taskId) {
      const [task] = await tx.select().from(wfTasks).where(eq(wfTasks.id, item.taskId));
      // acted on: done, cancelled, or taken by someone
      if (!task || task.status !== 'open' || (task.assignee && task.assignee !== userId)) return;
    }
    const recipients = await loadRecipients(tx, this.s.config, [userId]);
    const r: Recipient | undefined = recipients.get(userId);
    if (!r) return;
    const notice: Notice = {
      dedupKey: item.dedupKey,
      template: item.template,
      urgency: 'urgent',
      title: item.title,
      body: item.body,
      link: item.link,
      instanceId: item.instanceId,
      taskId: item.taskId,
      orgPath: item.orgPath,
      dueAt: typeof item.data.dueAt === 'string' ? item.data.dueAt : null,
      data: item.data,
      recipients: [userId],
      groupTask: false,
    };
    const chain = reachable(r, notice, this.channels.usable(), this.channels.templates);
    const tried = await tx
      .select({ channel: notifyDeliveries.channel })
      .from(notifyDeliveries)
      .where(and(eq(notifyDeliveries.dedupKey, item.dedupKey), eq(notifyDeliveries.target, userId)));
    const nextChannel = chain.find((c) => !tried.some((t) => t.channel === c));
    if (nextChannel) {
      const d = deliveryFor(notice, r, nextChannel, {
        inboxId,
        step,
        now,
        templates: this.channels.templates,
        createdAt: item.createdAt,
      });
      await tx.insert(notifyDeliveries).values(d).onConflictDoNothing();
      await tx
        .insert(notifyJobs)
        .values(this.escalation(inboxId, userId, step + 1, now))
        .onConflictDoNothing();
      return;
    }
    // staff answer to a supervisor; a resident's item has nobody above it
    if (!r.staff) return;
    const supervisors = await supervisorsOf(tx, r, item.orgPath);
    await enqueueNotice(tx, {
      dedupKey: `escalated:${item.dedupKey}:${userId}`,
      recipients: supervisors,
      template: 'task.escalated',
      title: `【未读督办】${item.title}`,
      body: `${r.displayName} 在 ${this.s.config.notify.escalateAfterMinutes} 分钟内未读：${item.body}`.slice(
        0,
        500,
      ),
      instanceId: item.instanceId,
      link: item.link ?? undefined,
      data: {
        ...(item.taskId ? { taskId: item.taskId } : {}),
        orgPath: item.orgPath,
        escalatedFrom: userId,
        urgency: 'urgent',
      },
    });
  }
}

class LeaseLost extends Error {}

/** One markdown message listing as many pending items as fit, oldest first, with mentions. */
export function mergeRobotMessage(rows: DeliveryRow[]): { markdown: string; included: DeliveryRow[] } {
  const header = (n: number) => (n === 1 ? '' : `**新消息 ${n} 条**\n`);
  const lines: string[] = [];
  const included: DeliveryRow[] = [];
  let bytes = Buffer.byteLength(header(99));
  for (const row of rows) {
    const m = row.message as { title?: string; body?: string; link?: string | null; mentions?: string[] };
    const mentions = (m.mentions ?? []).map((u) => `<@${u}>`).join(' ');
    const line = `> **${m.title ?? ''}** ${m.body ?? ''}${mentions ? ` ${mentions}` : ''}`;
    const size = Buffer.byteLength(line) + 1;
    if (included.length && bytes + size > ROBOT_MAX_BYTES) break;
    lines.push(line);
    included.push(row);
    bytes += size;
  }
  return { markdown: header(included.length) + lines.join('\n'), included };
}

/** 张三丰 → 张**: a name in a chat message shows the surname only */
function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? name : `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 2))}`;
}
