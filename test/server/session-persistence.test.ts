import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionStore } from '../../src/server/auth/sessions.ts';
import { UserStore } from '../../src/server/auth/users.ts';
import { createServer, type ConsoleServer, type ConsoleServerOptions } from '../../src/server/server.ts';
import { login, PASSWORDS, TEST_SCRYPT } from '../helpers/console-server.ts';
import { FakeMonitor } from '../helpers/fake-monitor.ts';
import { useTempDirs } from './temp-dirs.ts';

const running: { server: ConsoleServer; monitor: FakeMonitor }[] = [];
// Registered before the temp dirs' hook: vitest runs afterEach hooks in reverse, so servers stop first.
const tmp = useTempDirs('bw-sessions-');
afterEach(async () => {
  for (const r of running.splice(0)) await stop(r.server);
});

/** A console on `dataDir` (kept across starts), with operator and viewer accounts on its first start. */
async function start(dataDir: string, opts: Partial<ConsoleServerOptions> = {}, lines: string[] = []) {
  const monitor = new FakeMonitor();
  const server = await createServer(monitor, {
    dataDir,
    port: 0,
    adminPassword: PASSWORDS.admin,
    scryptCost: TEST_SCRYPT,
    print: (l) => lines.push(l),
    ...opts,
  });
  if (!server.ctx.users.get('operator')) await server.ctx.users.add('operator', 'operator', PASSWORDS.operator);
  if (!server.ctx.users.get('viewer')) await server.ctx.users.add('viewer', 'viewer', PASSWORDS.viewer);
  running.push({ server, monitor });
  return server;
}

async function stop(server: ConsoleServer): Promise<void> {
  const i = running.findIndex((r) => r.server === server);
  const [r] = running.splice(i, 1);
  r?.monitor.stop();
  await server.close();
}

const whoAmI = (server: ConsoleServer, cookie: string) =>
  server.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } });

const addNote = (server: ConsoleServer, headers: Record<string, string>, text: string) =>
  server.app.inject({ method: 'POST', url: '/api/notes', headers, payload: { sensorId: 'venue-a', text } });

describe('sessions across a restart', () => {
  it('the same cookie and CSRF token keep working after a restart; logout sticks across the next one', async () => {
    const dir = tmp();
    let server = await start(dir);
    const op = await login(server, 'operator');
    expect((await addNote(server, op.headers, 'before restart')).statusCode).toBe(201);
    await stop(server);

    server = await start(dir);
    const me = await whoAmI(server, op.cookie);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ user: 'operator', role: 'operator', csrfToken: op.csrf });
    expect((await addNote(server, op.headers, 'after restart')).statusCode).toBe(201);
    // CSRF still enforced on the restored session.
    expect((await addNote(server, { cookie: op.cookie }, 'no token')).statusCode).toBe(403);
    expect((await addNote(server, { cookie: op.cookie, 'x-csrf-token': 'x'.repeat(43) }, 'x')).statusCode).toBe(403);
    const out = await server.app.inject({ method: 'POST', url: '/api/auth/logout', headers: op.headers });
    expect(out.statusCode).toBe(200);
    expect((await whoAmI(server, op.cookie)).statusCode).toBe(401);
    await stop(server);

    server = await start(dir);
    expect((await whoAmI(server, op.cookie)).statusCode).toBe(401);
  });

  it('the file is private and holds only hashes: no session id, no CSRF token', async () => {
    const dir = tmp();
    const server = await start(dir);
    const op = await login(server, 'operator');
    const vw = await login(server, 'viewer');
    await server.ctx.sessions.flush();
    const file = join(dir, 'sessions.json');
    expect(statSync(file).mode & 0o077).toBe(0);
    const text = readFileSync(file, 'utf8');
    const doc = JSON.parse(text) as { version: number; sessions: { idSha256: string; user: string }[] };
    expect(doc.version).toBe(1);
    expect(doc.sessions.map((s) => s.user).sort()).toEqual(['operator', 'viewer']);
    for (const l of [op, vw]) {
      const id = l.cookie.slice('bw_session='.length);
      expect(id.length).toBeGreaterThan(40);
      expect(text).not.toContain(id);
      expect(text).not.toContain(l.csrf);
      expect(doc.sessions.map((s) => s.idSha256)).toContain(createHash('sha256').update(id).digest('base64url'));
    }
    // No temp file left behind.
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('does not restore sessions that expired while the server was down (idle or absolute)', async () => {
    const dir = tmp();
    const h = 3600_000;
    let t = Date.now();
    const t0 = t;
    const session = { idleTtlMs: 1 * h, maxTtlMs: 3 * h, now: () => t };
    let server = await start(dir, { session });
    const old = await login(server, 'operator');
    let idle = null;
    // Keep `old` in use: only its absolute lifetime can end it.
    for (t = t0 + 0.5 * h; t <= t0 + 2.5 * h; t += 0.5 * h) {
      expect((await whoAmI(server, old.cookie)).statusCode).toBe(200);
      if (t === t0 + 2 * h) idle = await login(server, 'viewer');
    }
    t = t0 + 2.5 * h;
    const fresh = await login(server, 'admin');
    await stop(server);

    t = t0 + 3.2 * h; // old: 3.2 h since login (max 3 h); idle: 1.2 h unused (max 1 h); fresh: 0.7 h
    server = await start(dir, { session });
    expect((await whoAmI(server, old.cookie)).statusCode).toBe(401);
    expect((await whoAmI(server, idle!.cookie)).statusCode).toBe(401);
    expect((await whoAmI(server, fresh.cookie)).statusCode).toBe(200);
    await server.ctx.sessions.flush();
    const doc = JSON.parse(readFileSync(join(dir, 'sessions.json'), 'utf8')) as { sessions: { user: string }[] };
    expect(doc.sessions.map((s) => s.user)).toEqual(['admin']);
  });

  it('drops the sessions of accounts removed or changed while the server was down', async () => {
    const dir = tmp();
    let server = await start(dir);
    const op = await login(server, 'operator');
    const vw = await login(server, 'viewer');
    const ad = await login(server, 'admin');
    await stop(server);

    // What `bandwatch users passwd|remove|role` do to the file while the server is down.
    const users = await UserStore.create(join(dir, 'users.json'), TEST_SCRYPT);
    await users.setPassword('operator', 'a-new-password');
    await users.remove('viewer');
    await users.add('viewer', 'viewer', PASSWORDS.viewer); // same name again: still a different account
    server = await start(dir);
    expect((await whoAmI(server, op.cookie)).statusCode).toBe(401);
    expect((await whoAmI(server, vw.cookie)).statusCode).toBe(401);
    expect((await whoAmI(server, ad.cookie)).statusCode).toBe(200);
    await stop(server);

    const again = await UserStore.create(join(dir, 'users.json'), TEST_SCRYPT);
    await again.setRole('admin', 'viewer');
    server = await start(dir);
    expect((await whoAmI(server, ad.cookie)).statusCode).toBe(401);
  });

  it('a password changed through the API ends the other sessions, and the new one survives a restart', async () => {
    const dir = tmp();
    let server = await start(dir);
    const a = await login(server, 'operator');
    const b = await login(server, 'operator');
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: a.headers,
      payload: { password: 'another-pass-2' },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']).split(';')[0] as string;
    await stop(server);
    server = await start(dir);
    expect((await whoAmI(server, a.cookie)).statusCode).toBe(401);
    expect((await whoAmI(server, b.cookie)).statusCode).toBe(401);
    expect((await whoAmI(server, cookie)).json()).toMatchObject({ user: 'operator', csrfToken: res.json().csrfToken });
  });
});

describe('a damaged sessions file', () => {
  for (const [what, content] of [
    ['truncated JSON', '{"version":1,"sessions":[{"idSha256":"abc'],
    ['a malformed entry', JSON.stringify({ version: 1, sessions: [{ idSha256: 'short', user: 'admin' }] })],
  ] as const) {
    it(`(${what}) does not stop the server: one line, file kept aside, users log in again`, async () => {
      const dir = tmp();
      const file = join(dir, 'sessions.json');
      writeFileSync(file, content);
      const lines: string[] = [];
      const server = await start(dir, {}, lines);
      const warnings = lines.filter((l) => l.startsWith('sessions:'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/BW_ERR_SESSIONS_FILE/);
      expect(warnings[0]).toContain(file);
      const aside = readdirSync(dir).filter((f) => f.startsWith('sessions.json.bad-'));
      expect(aside).toHaveLength(1);
      expect(readFileSync(join(dir, aside[0] as string), 'utf8')).toBe(content);
      expect(warnings[0]).toContain(aside[0]);
      expect(server.ctx.sessions.size).toBe(0);
      const op = await login(server, 'operator');
      expect((await whoAmI(server, op.cookie)).statusCode).toBe(200);
      await server.ctx.sessions.flush();
      expect(JSON.parse(readFileSync(file, 'utf8')).sessions).toHaveLength(1);
    });
  }

  it('an unreadable path (a directory) is set aside too', async () => {
    const dir = tmp();
    const lines: string[] = [];
    const file = join(dir, 'sessions.json');
    mkdirSync(file);
    const s = await SessionStore.create({ idleTtlMs: 60_000, maxTtlMs: 60_000, file, warn: (l) => lines.push(l) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/BW_ERR_SESSIONS_FILE.*EISDIR/);
    const created = s.create('u', 'viewer', '127.0.0.1');
    await s.flush();
    expect(existsSync(file) && statSync(file).isFile()).toBe(true);
    expect(s.get(created.id)?.user).toBe('u');
  });
});

describe('writing the sessions file', () => {
  const read = (file: string) =>
    (JSON.parse(readFileSync(file, 'utf8')) as { sessions: { lastSeenMs: number }[] }).sessions;

  it('activity under a minute is not written; a logout is written at once, without waiting for the delay', async () => {
    const file = join(tmp(), 'sessions.json');
    let t = 1_000_000;
    const opts = { idleTtlMs: 3600_000, maxTtlMs: 7200_000, now: () => t, file, saveDelayMs: 60_000 };
    const s = await SessionStore.create(opts);
    const a = s.create('a', 'viewer', '127.0.0.1');
    const b = s.create('b', 'viewer', '127.0.0.1');
    await s.flush();
    const ino = statSync(file).ino;
    for (let i = 0; i < 200; i++) {
      t += 250; // 50 s of a busy console polling
      expect(s.get(a.id)).not.toBeNull();
    }
    await s.flush();
    expect(statSync(file).ino).toBe(ino); // not rewritten
    expect(read(file).map((x) => x.lastSeenMs)).toEqual([1_000_000, 1_000_000]);
    t += 15_000;
    s.get(a.id);
    await s.flush();
    expect(read(file).map((x) => x.lastSeenMs)).toEqual([1_065_000, 1_000_000]);

    s.destroy(b.id); // no flush: the 60 s delay must not apply to a logout
    await expect.poll(() => read(file).length, { timeout: 2000 }).toBe(1);
    const again = await SessionStore.create(opts);
    expect(again.get(b.id)).toBeNull();
    expect(again.get(a.id)?.csrfToken).toBe(a.csrfToken);
  });
});
