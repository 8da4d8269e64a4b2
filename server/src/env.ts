// The only module of the server that reads process.env. Everything else receives a `Config`.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const dateList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean),
  )
  .refine(
    (days) => days.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)),
    'must be dates as YYYY-MM-DD, separated by commas',
  );

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().optional(),
  DATABASE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  DATA_ENCRYPTION_KEY: z.string().optional(),
  WECHAT_APP_ID: z.string().default(''),
  WECHAT_APP_SECRET: z.string().default(''),
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  DEV_LOGIN: bool.optional(),
  DEMO_MODE: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_KB: z.coerce.number().int().positive().default(256),
  UPLOAD_LIMIT_MB: z.coerce.number().int().positive().default(10),
  FILES_DIR: z.string().optional(),
  /** the admin console's build served at /admin (default admin/dist) */
  ADMIN_DIST: z.string().optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().positive().default(30),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().positive().default(15),
  WORKDAY_EXTRA_HOLIDAYS: dateList,
  WORKDAY_EXTRA_WORKDAYS: dateList,
  WECHAT_MINIPROGRAM_STATE: z.enum(['formal', 'trial', 'developer']).default('formal'),
  WECOM_API_BASE: z.string().url().default('https://qyapi.weixin.qq.com'),
  WECOM_CORP_ID: z.string().default(''),
  WECOM_AGENT_ID: z.string().default(''),
  WECOM_AGENT_SECRET: z.string().default(''),
  NOTIFY_SMS_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  NOTIFY_SMS_TOKEN: z.string().default(''),
  NOTIFY_LINK_BASE: z.string().url().default('http://localhost:3000'),
  NOTIFY_TEMPLATES_FILE: z.string().optional(),
  NOTIFY_QUIET_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM-HH:MM (China time)')
    .default('22:00-07:00'),
  NOTIFY_ESCALATE_AFTER_MINUTES: z.coerce.number().int().positive().default(15),
  NOTIFY_REMIND_BEFORE_MINUTES: z.coerce.number().int().positive().default(120),
  NOTIFY_DIGEST_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (China time)')
    .default('08:30'),
  NOTIFY_ELDERLY_CHECKIN_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  NOTIFY_URGENT_TEMPLATES: z.string().default('alert.*,*.overdue,*.escalated,task.escalated'),
  NOTIFY_DISPATCHER: bool.optional(),
  // device alerts (server/src/alerts)
  DEVICE_BRIDGE_SECRET: z.string().min(16, 'DEVICE_BRIDGE_SECRET must be at least 16 characters').optional(),
  FACE_SNAPSHOT_RETENTION_DAYS: z.coerce.number().int().positive().default(30),
  ALERT_ELDERLY_INACTIVE_HOURS: z.coerce.number().positive().default(12),
  ALERT_ELDERLY_CHECK_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM-HH:MM (China time)')
    .default('08:00-20:00'),
  ALERT_JOBS: bool.optional(),
  ALERT_CASE_THREAD: bool.optional(),
});

export interface Config {
  mode: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  /** unset: embedded PGlite in `${dataDir}/pgdata` */
  databaseUrl: string | undefined;
  sessionSecret: string;
  /** 32 bytes; encrypts personal data at rest */
  dataKey: Buffer;
  wechat: { appId: string; appSecret: string; apiBase: string };
  devLogin: boolean;
  demoMode: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  /** where uploaded case files (photos, voice notes, documents) are kept; default `${dataDir}/files` */
  filesDir: string;
  /** the admin console's build to serve at /admin; undefined: admin/dist next to the server */
  adminDist?: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  loginMaxFailures: number;
  loginLockMinutes: number;
  /** a community's own days off and moved workdays, on top of the official Chinese calendar */
  calendar: { extraHolidays: string[]; extraWorkdays: string[] };
  /** notifications (server/src/notify): chat channels, quiet hours, escalation, reminders */
  notify: NotifyConfig;
  /** device alerts (server/src/alerts) */
  alerts: AlertsConfig;
}

export interface AlertsConfig {
  /** the demo bridge's secret (DEVICE_BRIDGE_SECRET; demo default linli-demo-bridge-secret) */
  demoBridgeSecret: string | undefined;
  faceRetentionDays: number;
  elderlyInactiveHours: number;
  /** China time 'HH:MM-HH:MM' in which the elderly inactivity check runs */
  elderlyCheckHours: string;
  /** run the scheduled alert checks in this process */
  jobs: boolean;
  /** on PostgreSQL, run the alert cases' engine work on a thread of its own (ALERT_CASE_THREAD; off in tests) */
  caseThread: boolean;
}

export interface NotifyConfig {
  wechat: { miniprogramState: 'formal' | 'trial' | 'developer' };
  wecom: { apiBase: string; corpId: string; agentId: string; agentSecret: string };
  /** the generic HTTP SMS gateway (last resort); unset: no SMS */
  sms: { url: string | undefined; token: string };
  /** where links in WeCom cards point (the console or the mini-program's H5 build) */
  linkBase: string;
  /** a JSON file of message templates (see notify/templates.ts); unset: the built-in ones */
  templatesFile: string | undefined;
  /** default quiet hours, China time, 'HH:MM' */
  quietHours: { start: string; end: string };
  escalateAfterMinutes: number;
  remindBeforeMinutes: number;
  /** the daily digest to grid workers, China time 'HH:MM' */
  digestAt: string;
  /** an elderly resident living alone not checked in on (visit/call) for this many days is in their grid
   * workers' digest (0: off) */
  elderlyCheckInDays: number;
  /** template keys (glob with *) that are urgent: they ignore quiet hours and escalate when unread */
  urgentTemplates: string[];
  /** run the dispatcher and the scheduled jobs in this process (default on) */
  dispatcher: boolean;
}

export class ConfigError extends Error {}

/** Secrets generated on first start in development and kept in DATA_DIR so sessions survive restarts. */
function localSecrets(dataDir: string): { sessionSecret: string; dataKey: string } {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file))
    return JSON.parse(readFileSync(file, 'utf8')) as { sessionSecret: string; dataKey: string };
  mkdirSync(dataDir, { recursive: true });
  const secrets = {
    sessionSecret: randomBytes(48).toString('base64url'),
    dataKey: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

function parseKey(raw: string): Buffer {
  const key = Buffer.from(raw, /^[0-9a-f]{64}$/i.test(raw) ? 'hex' : 'base64');
  if (key.length !== 32) throw new ConfigError('DATA_ENCRYPTION_KEY must be 32 bytes, base64 or hex encoded');
  return key;
}

/** Where the user typed the command (npm runs workspace scripts inside the workspace folder): CLIs resolve
 * the paths they are given against it. */
export function invocationDir(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/** Every environment variable the server reads (tests strip them all before starting a server process). */
export const SERVER_ENV_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/** Reads and validates the environment. `overrides` lets tests and tools build a config without touching it. */
export function loadConfig(overrides: Record<string, string | undefined> = {}): Config {
  const raw = { ...process.env, ...overrides };
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const env = parsed.data;
  const mode = env.NODE_ENV;
  // npm runs workspace scripts inside the workspace folder; INIT_CWD is where the user typed the command.
  const base = raw.INIT_CWD ?? process.cwd();
  const dataDir = path.resolve(base, env.DATA_DIR ?? 'data');
  const production = mode === 'production';

  if (production && env.DEV_LOGIN) throw new ConfigError('DEV_LOGIN cannot be enabled in production');
  if (production && env.DEMO_MODE) throw new ConfigError('DEMO_MODE cannot be enabled in production');
  if (production && (!env.SESSION_SECRET || !env.DATA_ENCRYPTION_KEY)) {
    throw new ConfigError('SESSION_SECRET and DATA_ENCRYPTION_KEY are required in production');
  }
  const generated =
    env.SESSION_SECRET && env.DATA_ENCRYPTION_KEY
      ? undefined
      : mode === 'test'
        ? undefined
        : localSecrets(dataDir);
  const testSecret = 'test-session-secret-which-is-long-enough-0123456789';
  const testKey = Buffer.alloc(32, 7).toString('base64');

  return {
    mode,
    port: env.PORT,
    host: env.HOST,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    sessionSecret: env.SESSION_SECRET ?? generated?.sessionSecret ?? testSecret,
    dataKey: parseKey(env.DATA_ENCRYPTION_KEY ?? generated?.dataKey ?? testKey),
    wechat: { appId: env.WECHAT_APP_ID, appSecret: env.WECHAT_APP_SECRET, apiBase: env.WECHAT_API_BASE },
    devLogin: env.DEV_LOGIN ?? false,
    demoMode: env.DEMO_MODE ?? mode === 'development',
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.BODY_LIMIT_KB * 1024,
    uploadLimitBytes: env.UPLOAD_LIMIT_MB * 1024 * 1024,
    filesDir: env.FILES_DIR ? path.resolve(base, env.FILES_DIR) : path.join(dataDir, 'files'),
    adminDist: env.ADMIN_DIST ? path.resolve(base, env.ADMIN_DIST) : undefined,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    loginMaxFailures: env.LOGIN_MAX_FAILURES,
    loginLockMinutes: env.LOGIN_LOCK_MINUTES,
    calendar: { extraHolidays: env.WORKDAY_EXTRA_HOLIDAYS, extraWorkdays: env.WORKDAY_EXTRA_WORKDAYS },
    notify: {
      wechat: { miniprogramState: env.WECHAT_MINIPROGRAM_STATE },
      wecom: {
        apiBase: env.WECOM_API_BASE,
        corpId: env.WECOM_CORP_ID,
        agentId: env.WECOM_AGENT_ID,
        agentSecret: env.WECOM_AGENT_SECRET,
      },
      sms: { url: env.NOTIFY_SMS_URL, token: env.NOTIFY_SMS_TOKEN },
      linkBase: env.NOTIFY_LINK_BASE,
      templatesFile: env.NOTIFY_TEMPLATES_FILE ? path.resolve(base, env.NOTIFY_TEMPLATES_FILE) : undefined,
      quietHours: {
        start: env.NOTIFY_QUIET_HOURS.split('-')[0]!,
        end: env.NOTIFY_QUIET_HOURS.split('-')[1]!,
      },
      escalateAfterMinutes: env.NOTIFY_ESCALATE_AFTER_MINUTES,
      remindBeforeMinutes: env.NOTIFY_REMIND_BEFORE_MINUTES,
      digestAt: env.NOTIFY_DIGEST_AT,
      elderlyCheckInDays: env.NOTIFY_ELDERLY_CHECKIN_DAYS,
      urgentTemplates: env.NOTIFY_URGENT_TEMPLATES.split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      dispatcher: env.NOTIFY_DISPATCHER ?? true,
    },
    alerts: {
      demoBridgeSecret: env.DEVICE_BRIDGE_SECRET,
      faceRetentionDays: env.FACE_SNAPSHOT_RETENTION_DAYS,
      elderlyInactiveHours: env.ALERT_ELDERLY_INACTIVE_HOURS,
      elderlyCheckHours: env.ALERT_ELDERLY_CHECK_HOURS,
      jobs: env.ALERT_JOBS ?? true,
      caseThread: env.ALERT_CASE_THREAD ?? mode !== 'test',
    },
  };
}
