// `npm start`: the server and the device bridge (with its embedded MQTT broker) as two processes, the way they
// run in production, started together so a new user sees devices' alerts arrive. The server is the product; when
// either process exits, the other is stopped and the exit code is passed on. START_BRIDGE=false starts the server
// alone. Ctrl-C / SIGTERM stop both gracefully.
import { spawn } from 'node:child_process';
import { setTimeout } from 'node:timers';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = createRequire(path.join(root, 'server', 'package.json')).resolve('tsx/cli');
// npm sets INIT_CWD to where the user typed the command; the server resolves DATA_DIR against it
const base = process.env.INIT_CWD ?? process.cwd();
const withBridge = !/^(0|false|no|off)$/i.test(process.env.START_BRIDGE ?? '');

const children = [];
let stopping = false;

function run(name, cwd, entry, env) {
  const child = spawn(process.execPath, [tsx, entry], {
    cwd: path.join(root, cwd),
    env: { ...process.env, INIT_CWD: base, ...env },
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping the rest`);
      stop(code ?? 1);
    } else if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) {
      process.exit(process.exitCode ?? 0);
    }
  });
  children.push(child);
  return child;
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(code);
  // a child that ignores SIGTERM for 15 s is killed
  setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  }, 15_000).unref();
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('server', 'server', 'src/main.ts', {});
if (withBridge) {
  const port = process.env.PORT || '3000';
  run('device-bridge', 'device-bridge', 'src/main.ts', {
    SERVER_URL: process.env.SERVER_URL ?? `http://127.0.0.1:${port}`,
    MQTT_EMBEDDED: process.env.MQTT_EMBEDDED ?? 'true',
    BRIDGE_DATA_DIR:
      process.env.BRIDGE_DATA_DIR ?? path.resolve(base, process.env.DATA_DIR ?? 'data', 'bridge'),
  });
}
