// The poller: claims due timers and jobs (FOR UPDATE SKIP LOCKED, under a lease) and runs their steps.
// node-schedule only wakes it for the next row due soon; a slow periodic poll catches rows written by
// other processes. On start it fires whatever fell due while the process was down.
import schedule from 'node-schedule';
import type { WorkflowRuntime } from './runtime.js';
import type { StepWrite } from './ports.js';

export interface WorkerOptions {
  /** periodic poll, for rows written by other processes (ms) */
  pollIntervalMs?: number;
  /** rows claimed per round */
  batch?: number;
  /** how long a claim holds before another worker may take the row (ms) */
  leaseMs?: number;
  /** how far ahead node-schedule is armed for the next due row (ms) */
  horizonMs?: number;
  /** steps run at once */
  concurrency?: number;
  now?: () => Date;
  onError?: (err: unknown, what: string) => void;
}

export class WorkflowWorker {
  private timer: NodeJS.Timeout | undefined;
  private wake: schedule.Job | undefined;
  private wakeAt: Date | undefined;
  private running = false;
  private again = false;
  private stopped = true;
  private readonly opts: Required<Omit<WorkerOptions, 'onError'>> & Pick<WorkerOptions, 'onError'>;

  constructor(
    private readonly runtime: WorkflowRuntime,
    options: WorkerOptions = {},
  ) {
    this.opts = {
      pollIntervalMs: options.pollIntervalMs ?? 5_000,
      batch: options.batch ?? 100,
      leaseMs: options.leaseMs ?? 60_000,
      horizonMs: options.horizonMs ?? 5 * 60_000,
      concurrency: options.concurrency ?? 8,
      now: options.now ?? (() => new Date()),
      onError: options.onError,
    };
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.opts.pollIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.wake?.cancel();
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  /** Called after each committed step: a new timer due soon arms the wake-up. */
  observe(write: StepWrite): void {
    for (const t of write.timers) this.arm(t.dueAt);
    for (const j of write.upsertJobs) if (j.status === 'pending') this.arm(j.dueAt);
  }

  private arm(due: Date): void {
    if (this.stopped) return;
    const now = this.opts.now().getTime();
    if (due.getTime() - now > this.opts.horizonMs) return;
    if (this.wakeAt && this.wakeAt <= due) return;
    this.wake?.cancel();
    this.wakeAt = due;
    const at = new Date(Math.max(due.getTime(), Date.now() + 5));
    this.wake = schedule.scheduleJob(at, () => {
      this.wakeAt = undefined;
      void this.poll();
    });
  }

  /** One round: fire every due timer and run every due job; repeats while a full batch came back. */
  async poll(): Promise<{ timers: number; jobs: number }> {
    if (this.running) {
      this.again = true;
      return { timers: 0, jobs: 0 };
    }
    this.running = true;
    const done = { timers: 0, jobs: 0 };
    try {
      for (;;) {
        this.again = false;
        const now = this.opts.now();
        const timers = await this.runtime.store.claimDueTimers(now, this.opts.batch, this.opts.leaseMs);
        await this.each(timers, (t) => this.runtime.fireTimer(t), 'timer');
        const jobs = await this.runtime.store.claimDueJobs(now, this.opts.batch, this.opts.leaseMs);
        await this.each(jobs, (j) => this.runtime.runJob(j), 'job');
        done.timers += timers.length;
        done.jobs += jobs.length;
        if (timers.length < this.opts.batch && jobs.length < this.opts.batch && !this.again) break;
      }
      const next = await this.runtime.store.nextTimerDue();
      if (next) this.arm(next);
    } catch (err) {
      this.opts.onError?.(err, 'poll');
    } finally {
      this.running = false;
    }
    return done;
  }

  /**
   * Runs the rows of different instances side by side, but the rows of one instance one after the other,
   * in the order claimed (due time): a reminder due at 30 minutes must fire before a timeout due at 60.
   */
  private async each<T extends { instanceId: string | null; dueAt: Date }>(
    rows: T[],
    run: (row: T) => Promise<void>,
    what: string,
  ): Promise<void> {
    const groups = new Map<string, T[]>();
    for (const row of [...rows].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())) {
      const key = row.instanceId ?? `start:${groups.size}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    const queue = [...groups.values()];
    const lanes = Array.from({ length: Math.min(this.opts.concurrency, queue.length) }, async () => {
      for (let group = queue.shift(); group; group = queue.shift()) {
        for (const row of group) {
          try {
            await run(row);
          } catch (err) {
            // the row stays claimed until its lease ends, then another round retries it
            this.opts.onError?.(err, what);
          }
        }
      }
    });
    await Promise.all(lanes);
  }
}
