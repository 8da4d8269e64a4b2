// What the crash and two-worker tests share: child processes run with tsx (killed as a whole process
// group, so that SIGKILL reaches the script and not only tsx's relay), and throw-away PostgreSQL databases.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const tsxCli = createRequire(path.join(root, 'package.json')).resolve('tsx/cli');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Child {
  process: ChildProcess;
  /** writes a line to the child's stdin (for children started with `stdin: true`) */
  send(line: string): void;
  exited: Promise<Exit>;
  output(): string;
  /** resolves when a line of output contains `text`; rejects if the child exits first */
  waitFor(text: string): Promise<void>;
  /** SIGKILL to the whole group (tsx and the script it runs); resolves once the child is gone */
  kill(): Promise<Exit>;
}

/** The variables the server reads: a child gets exactly the ones a test hands it. */
const CONFIG_VARIABLES = ['NODE_ENV', 'DATA_DIR', 'DATABASE_URL', 'LOG_LEVEL', 'NODE_OPTIONS', 'DEMO_MODE'];

export function runScript(
  script: string,
  env: Record<string, string>,
  opts: { stdin?: boolean } = {},
): Child {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CONFIG_VARIABLES) delete childEnv[name]; // jest's --experimental-vm-modules is not for the child
  Object.assign(childEnv, env);
  const child = spawn(process.execPath, [tsxCli, script], {
    cwd: path.dirname(script),
    env: childEnv,
    stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of [...waiters]) {
      if (output.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    send: (line) => void child.stdin?.write(`${line}\n`),
    exited,
    output: () => output,
    waitFor: (text) =>
      output.includes(text)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ text, resolve })),
            exited.then((e) =>
              Promise.reject(
                new Error(
                  `the child exited (${e.code ?? e.signal}) before "${text}":\n${output.slice(-4000)}`,
                ),
              ),
            ),
          ]),
    kill: async () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is already gone
      }
      return exited;
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin(url: string, query: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** An empty database of its own on the server at `url`; the children migrate it as the product would. */
export async function freshDatabase(
  url: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin(url, `create database ${name}`);
  return {
    url: withDatabase(url, name),
    drop: () => admin(url, `drop database if exists ${name} with (force)`),
  };
}
