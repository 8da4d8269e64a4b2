// The one place that reads process.env (house rule); config.ts validates what it returns.
export type Env = Record<string, string | undefined>;

export function processEnv(): Env {
  return process.env;
}
