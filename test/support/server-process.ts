// What every test that starts the server (or the bridge) as a child process needs: a free port, and an
// environment with none of the caller's server settings, so the child runs on exactly what the test sets.
import net from 'node:net';
import { SERVER_ENV_VARIABLES } from '@linli/server';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * process.env without any variable the server reads (server/src/env.ts), nor `also` (e.g. the bridge's), nor
 * NODE_OPTIONS (jest's --experimental-vm-modules is not for the child); then `set` on top.
 */
export function childEnv(set: Record<string, string> = {}, also: readonly string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...SERVER_ENV_VARIABLES, ...also, 'NODE_OPTIONS']) delete env[name];
  return { ...env, ...set };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
