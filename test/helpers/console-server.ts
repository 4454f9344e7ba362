/** Start a console server on a fake monitor with a temp data dir and three accounts, for API/WS tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type ConsoleServer, type ConsoleServerOptions } from '../../src/server/server.ts';
import { FakeMonitor, type FakeMonitorOptions } from './fake-monitor.ts';

/** Cheap scrypt for tests (the production cost is measured, not tested). */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };
export const PASSWORDS = { admin: 'admin-pass-1', operator: 'operator-pass-1', viewer: 'viewer-pass-1' } as const;

export interface TestConsole {
  server: ConsoleServer;
  monitor: FakeMonitor;
  dataDir: string;
  dispose(): Promise<void>;
}

export async function startTestConsole(
  opts: Partial<ConsoleServerOptions> = {},
  monitorOpts: FakeMonitorOptions = {},
): Promise<TestConsole> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bw-console-'));
  const monitor = new FakeMonitor(monitorOpts);
  const server = await createServer(monitor, {
    dataDir,
    port: 0,
    adminPassword: PASSWORDS.admin,
    scryptCost: TEST_SCRYPT,
    print: () => {},
    ...opts,
  });
  await server.ctx.users.add('operator', 'operator', PASSWORDS.operator);
  await server.ctx.users.add('viewer', 'viewer', PASSWORDS.viewer);
  return {
    server,
    monitor,
    dataDir,
    async dispose() {
      monitor.stop();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Login {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
}

/** Log in through inject; returns the cookie and CSRF headers for later requests. */
export async function login(server: ConsoleServer, user: keyof typeof PASSWORDS): Promise<Login> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: user, password: PASSWORDS[user] },
  });
  if (res.statusCode !== 200) throw new Error(`login ${user}: ${res.statusCode} ${res.body}`);
  const setCookie = String(res.headers['set-cookie']);
  const cookie = setCookie.split(';')[0] as string;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}
