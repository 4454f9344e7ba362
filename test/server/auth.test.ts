import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LoginRateLimiter } from '../../src/server/auth/rate-limit.ts';
import { SessionStore } from '../../src/server/auth/sessions.ts';
import { UserStore } from '../../src/server/auth/users.ts';
import { TEST_SCRYPT, startTestConsole, type TestConsole } from '../helpers/console-server.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'bw-auth-'));
  dirs.push(d);
  return d;
};
let tc: TestConsole | null = null;
afterEach(async () => {
  await tc?.dispose();
  tc = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('user store', () => {
  it('hashes with scrypt and a per-user salt; the file holds no password and is private', async () => {
    const file = join(tmp(), 'users.json');
    const s = await UserStore.create(file, TEST_SCRYPT);
    await s.add('a', 'viewer', 'same-password');
    await s.add('b', 'operator', 'same-password');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('same-password');
    const doc = JSON.parse(text) as { users: { salt: string; hash: string }[] };
    expect(doc.users[0]!.salt).not.toBe(doc.users[1]!.salt);
    expect(doc.users[0]!.hash).not.toBe(doc.users[1]!.hash);
    expect(statSync(file).mode & 0o077).toBe(0);
    const again = await UserStore.create(file, TEST_SCRYPT);
    expect(await again.verify('b', 'same-password')).toMatchObject({ name: 'b', role: 'operator' });
    expect(await again.verify('b', 'wrong-password')).toBeNull();
    expect(await again.verify('nobody', 'same-password')).toBeNull();
  });

  it('names the file of a malformed users file', async () => {
    const file = join(tmp(), 'users.json');
    writeFileSync(file, '{"users": [{"name": 1}]}');
    await expect(UserStore.create(file)).rejects.toThrow(/users\.json, field 'users\[0\]': malformed user entry/);
    writeFileSync(file, '{oops');
    await expect(UserStore.create(file)).rejects.toMatchObject({ code: 'BW_ERR_USERS_FILE' });
  });
});

describe('sessions', () => {
  it('expire after idle time and after the absolute lifetime, but slide with use', () => {
    let t = 0;
    const s = new SessionStore({ idleTtlMs: 1000, maxTtlMs: 5000, now: () => t });
    const a = s.create('u', 'viewer', '127.0.0.1');
    t = 900;
    expect(s.get(a.id)).not.toBeNull();
    t = 1800;
    expect(s.get(a.id)).not.toBeNull(); // slid
    t = 2900;
    expect(s.get(a.id)).toBeNull();
    const b = s.create('u', 'viewer', 'x');
    for (t = 3000; t < 8000; t += 500) s.get(b.id);
    expect(s.get(b.id)).toBeNull();
  });
});

describe('login rate limiting', () => {
  it('per user: the 6th failed attempt within the window gets 429 with Retry-After, even with the right password', async () => {
    tc = await startTestConsole();
    const app = tc.server.app;
    for (let i = 0; i < 5; i++) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'viewer', password: 'guess-' + i },
      });
      expect(r.statusCode).toBe(401);
    }
    const r = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'viewer', password: 'viewer-pass-1' },
    });
    expect(r.statusCode).toBe(429);
    expect(r.json().error.code).toBe('BW_ERR_RATE_LIMITED');
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    // Another user from the same address is not locked out by it.
    const other = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'operator', password: 'operator-pass-1' },
    });
    expect(other.statusCode).toBe(200);
  });

  it('per IP: too many attempts from one address get 429 whatever the user', async () => {
    tc = await startTestConsole({ loginLimits: { maxPerIp: 3 } });
    const app = tc.server.app;
    const codes: number[] = [];
    for (const u of ['a1', 'a2', 'a3', 'a4']) {
      codes.push(
        (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u, password: 'whatever1' } }))
          .statusCode,
      );
    }
    expect(codes).toEqual([401, 401, 401, 429]);
  });

  it('the window slides: attempts age out', () => {
    let t = 0;
    const l = new LoginRateLimiter({ windowMs: 1000, maxPerIp: 100, maxFailuresPerUser: 2, now: () => t });
    l.failed('x');
    l.failed('x');
    expect(l.check('ip', 'x')).toBe(1);
    t = 1001;
    expect(l.check('ip', 'x')).toBeNull();
  });
});

describe('first start', () => {
  it('creates admin with the given password and prints how to log in', async () => {
    const lines: string[] = [];
    tc = await startTestConsole({ print: (l) => lines.push(l), adminPassword: 'first-admin-pw' });
    await tc.server.listen();
    expect(tc.server.initialAdminPassword).toBe('first-admin-pw');
    expect(lines.join('\n')).toContain(`Log in at ${tc.server.url}/ as admin with password: first-admin-pw`);
    expect(tc.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
