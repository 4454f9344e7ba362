import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ROUTES } from '../../src/server/server.ts';
import { login, startTestConsole, type Login, type TestConsole } from '../helpers/console-server.ts';

let tc: TestConsole;
let admin: Login;
let operator: Login;
let viewer: Login;

beforeAll(async () => {
  tc = await startTestConsole({}, { canRecord: true });
  admin = await login(tc.server, 'admin');
  operator = await login(tc.server, 'operator');
  viewer = await login(tc.server, 'viewer');
});
afterAll(async () => {
  await tc.dispose();
});

const inject = (opts: InjectOptions) => tc.server.app.inject(opts);

describe('authentication', () => {
  it('answers 401 on every API route without a session (including unknown ones and OpenAPI)', async () => {
    const urls = [
      ...ALL_ROUTES.filter((r) => r.url !== '/api/auth/login').map((r) => ({
        method: r.method,
        url: r.url.replace(':id', 'AL1').replace(':name', 'viewer'),
      })),
      { method: 'GET' as const, url: '/api/openapi.json' },
      { method: 'GET' as const, url: '/api/nothing-here' },
      { method: 'DELETE' as const, url: '/api/alarms' },
    ];
    expect(urls.length).toBeGreaterThan(20);
    for (const u of urls) {
      const res = await inject({ method: u.method, url: u.url, payload: u.method === 'GET' ? undefined : {} });
      expect(res.statusCode, `${u.method} ${u.url}`).toBe(401);
      expect(res.json().error.code).toBe('BW_ERR_UNAUTHENTICATED');
    }
  });

  it('refuses a forged or stale cookie', async () => {
    const res = await inject({ method: 'GET', url: '/api/sensors', headers: { cookie: 'bw_session=forged' } });
    expect(res.statusCode).toBe(401);
  });

  it('sets an HttpOnly SameSite=Strict cookie without Secure on plain HTTP and returns a CSRF token', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'viewer', password: 'viewer-pass-1' },
    });
    expect(res.statusCode).toBe(200);
    const c = String(res.headers['set-cookie']);
    expect(c).toMatch(/^bw_session=[\w-]{40,}/);
    expect(c).toMatch(/HttpOnly/);
    expect(c).toMatch(/SameSite=Strict/);
    expect(c).not.toMatch(/Secure/);
    expect(res.json()).toMatchObject({ user: 'viewer', role: 'viewer' });
    expect(res.json().csrfToken.length).toBeGreaterThan(20);
  });

  it('rejects a wrong password with 401 and the same message as an unknown user', async () => {
    const a = await inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'viewer', password: 'nope-nope' },
    });
    const b = await inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ghost', password: 'nope-nope' },
    });
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json()).toEqual(b.json());
    expect(a.headers['set-cookie']).toBeUndefined();
  });

  it('logout ends the session', async () => {
    const s = await login(tc.server, 'viewer');
    expect((await inject({ method: 'GET', url: '/api/sensors', headers: s.headers })).statusCode).toBe(200);
    const out = await inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers });
    expect(out.statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: '/api/sensors', headers: s.headers })).statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it('403 when the x-csrf-token header is missing or wrong on a state-changing request', async () => {
    const alarm = tc.monitor.switchOnUnlicensed();
    const missing = await inject({
      method: 'POST',
      url: `/api/alarms/${alarm.id}/acknowledge`,
      headers: { cookie: operator.cookie },
      payload: { comment: 'x' },
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('BW_ERR_CSRF');
    const wrong = await inject({
      method: 'POST',
      url: `/api/alarms/${alarm.id}/acknowledge`,
      headers: { cookie: operator.cookie, 'x-csrf-token': viewer.csrf },
      payload: { comment: 'x' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('BW_ERR_CSRF');
    expect(tc.monitor.alarms().find((a) => a.id === alarm.id)?.acks).toHaveLength(0);
  });

  it('GET needs no CSRF token', async () => {
    const res = await inject({ method: 'GET', url: '/api/alarms', headers: { cookie: viewer.cookie } });
    expect(res.statusCode).toBe(200);
  });
});

describe('roles', () => {
  it('viewer cannot acknowledge or clear alarms, start recordings, or edit the plan', async () => {
    const alarm = tc.monitor.switchOnUnlicensed();
    for (const [method, url, payload] of [
      ['POST', `/api/alarms/${alarm.id}/acknowledge`, { comment: 'seen' }],
      ['POST', `/api/alarms/${alarm.id}/clear`, { comment: 'gone' }],
      ['POST', '/api/recordings', { sensorId: 'venue-a' }],
      ['PUT', '/api/plan', tc.monitor.plan()],
    ] as const) {
      const res = await inject({ method, url, headers: viewer.headers, payload });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('BW_ERR_FORBIDDEN');
    }
    expect(tc.monitor.alarms().find((a) => a.id === alarm.id)?.acks).toHaveLength(0);
  });

  it('operator cannot edit the plan or users, or read the audit log', async () => {
    for (const [method, url, payload] of [
      ['PUT', '/api/plan', tc.monitor.plan()],
      ['GET', '/api/users', undefined],
      ['POST', '/api/users', { name: 'eve', role: 'admin', password: 'eve-pass-123' }],
      ['PUT', '/api/users/viewer/password', { password: 'changed-123' }],
      ['DELETE', '/api/users/viewer', undefined],
      ['GET', '/api/audit', undefined],
    ] as const) {
      const res = await inject({ method, url, headers: operator.headers, payload });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    expect(tc.server.ctx.users.get('eve')).toBeNull();
  });

  it('operator acknowledges with a comment; the alarm carries who and what', async () => {
    const alarm = tc.monitor.switchOnUnlicensed();
    const res = await inject({
      method: 'POST',
      url: `/api/alarms/${alarm.id}/acknowledge`,
      headers: operator.headers,
      payload: { comment: 'Đã cử tổ kiểm tra' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().acks).toEqual([expect.objectContaining({ by: 'operator', comment: 'Đã cử tổ kiểm tra' })]);
  });

  it('operator clears an alarm, clearing twice is a 409', async () => {
    const alarm = tc.monitor.switchOnUnlicensed();
    const ok = await inject({
      method: 'POST',
      url: `/api/alarms/${alarm.id}/clear`,
      headers: operator.headers,
      payload: { comment: 'off air' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().state).toBe('cleared');
    const again = await inject({
      method: 'POST',
      url: `/api/alarms/${alarm.id}/clear`,
      headers: operator.headers,
      payload: { comment: 'off air' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('BW_ERR_ALARM_CLEARED');
  });

  it('admin replaces the plan and the old one goes to history', async () => {
    const plan = tc.monitor.plan();
    plan.name = 'Kế hoạch tần số mới';
    plan.assignments.push({ id: 'A-NEW', centerHz: 470.3e6, bandwidthHz: 12.5e3 });
    const res = await inject({ method: 'PUT', url: '/api/plan', headers: admin.headers, payload: plan });
    expect(res.statusCode).toBe(200);
    expect(res.json().assignments).toHaveLength(4);
    const hist = await inject({ method: 'GET', url: '/api/plan/history', headers: viewer.headers });
    expect(hist.json()[0]).toMatchObject({ by: 'admin', plan: { name: 'Venue plan (test)' } });
  });

  it('admin manages users; the new user can log in; removing yourself is refused', async () => {
    const add = await inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { name: 'duty1', role: 'operator', password: 'duty-pass-1' },
    });
    expect(add.statusCode).toBe(201);
    expect(add.json()).not.toHaveProperty('hash');
    const dup = await inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { name: 'duty1', role: 'operator', password: 'duty-pass-1' },
    });
    expect(dup.statusCode).toBe(409);
    const li = await inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'duty1', password: 'duty-pass-1' },
    });
    expect(li.json().role).toBe('operator');
    const list = await inject({ method: 'GET', url: '/api/users', headers: admin.headers });
    expect(list.json().map((u: { name: string }) => u.name)).toContain('duty1');
    expect(JSON.stringify(list.json())).not.toMatch(/salt|hash/);
    const self = await inject({ method: 'DELETE', url: '/api/users/admin', headers: admin.headers });
    expect(self.statusCode).toBe(409);
    const del = await inject({ method: 'DELETE', url: '/api/users/duty1', headers: admin.headers });
    expect(del.statusCode).toBe(200);
    const gone = await inject({ method: 'DELETE', url: '/api/users/duty1', headers: admin.headers });
    expect(gone.statusCode).toBe(404);
  });
});

describe('validation', () => {
  const cases: [string, 'GET' | 'POST' | 'PUT', string, unknown, string][] = [
    ['missing comment', 'POST', '/api/alarms/AL1/acknowledge', {}, 'body.comment'],
    ['empty comment', 'POST', '/api/alarms/AL1/acknowledge', { comment: '' }, 'body.comment'],
    ['comment not a string', 'POST', '/api/alarms/AL1/clear', { comment: { text: 'x' } }, 'body.comment'],
    ['unknown body property', 'POST', '/api/alarms/AL1/acknowledge', { comment: 'x', admin: true }, 'body.admin'],
    ['bad alarm id', 'POST', '/api/alarms/a%20b/acknowledge', { comment: 'x' }, 'params.id'],
    ['bad sensor id', 'GET', '/api/sensors/..%2Fetc', undefined, 'params.id'],
    ['bad alarm kind filter', 'GET', '/api/alarms?kind=aliens', undefined, 'querystring.kind'],
    ['bad state filter', 'GET', '/api/alarms?state=sleeping', undefined, 'querystring.state'],
    ['limit zero', 'GET', '/api/alarms?limit=0', undefined, 'querystring.limit'],
    ['limit not a number', 'GET', '/api/alarms?limit=many', undefined, 'querystring.limit'],
    ['unknown query parameter', 'GET', '/api/alarms?sort=desc', undefined, 'querystring.sort'],
    ['fromMs after toMs', 'GET', '/api/alarms?fromMs=2000&toMs=1000', undefined, 'querystring.fromMs'],
    ['acknowledged not boolean', 'GET', '/api/alarms?acknowledged=maybe', undefined, 'querystring.acknowledged'],
    ['emissions limit too big', 'GET', '/api/emissions?limit=99999', undefined, 'querystring.limit'],
    ['history without sensor', 'GET', '/api/history/waterfall?fromMs=1&toMs=2', undefined, 'querystring.sensorId'],
    [
      'history toMs before fromMs',
      'GET',
      '/api/history/waterfall?sensorId=venue-a&fromMs=5&toMs=2',
      undefined,
      'querystring.toMs',
    ],
    [
      'history width too big',
      'GET',
      '/api/history/waterfall?sensorId=venue-a&fromMs=1&toMs=2&widthPx=100000',
      undefined,
      'querystring.widthPx',
    ],
    [
      'history frequency out of range',
      'GET',
      '/api/history/waterfall?sensorId=venue-a&fromMs=1&toMs=2&startHz=5',
      undefined,
      'querystring.startHz',
    ],
    ['recording without sensor', 'POST', '/api/recordings', {}, 'body.sensorId'],
    ['plan without name', 'PUT', '/api/plan', { assignments: [] }, 'body.name'],
    [
      'plan assignment negative bandwidth',
      'PUT',
      '/api/plan',
      { name: 'p', assignments: [{ id: 'a', centerHz: 470e6, bandwidthHz: -5 }] },
      'body.assignments.0.bandwidthHz',
    ],
    [
      'plan assignment frequency as string',
      'PUT',
      '/api/plan',
      { name: 'p', assignments: [{ id: 'a', centerHz: 'high', bandwidthHz: 5 }] },
      'body.assignments.0.centerHz',
    ],
    [
      'plan bad phase',
      'PUT',
      '/api/plan',
      { name: 'p', assignments: [], phases: [{ phase: 'lunch', fromMs: 1, toMs: 2 }] },
      'body.phases.0.phase',
    ],
    ['user bad role', 'POST', '/api/users', { name: 'x', role: 'god', password: 'long-enough' }, 'body.role'],
    ['user short password', 'POST', '/api/users', { name: 'x', role: 'viewer', password: 'short' }, 'body.password'],
    ['user bad name', 'POST', '/api/users', { name: 'a b', role: 'viewer', password: 'long-enough' }, 'body.name'],
    ['login without password', 'POST', '/api/auth/login', { username: 'admin' }, 'body.password'],
  ];
  for (const [what, method, url, payload, field] of cases) {
    it(`400 for ${what}, naming ${field}`, async () => {
      const res = await inject({ method, url, headers: admin.headers, payload: payload as object | undefined });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.error.code).toBe('BW_ERR_VALIDATION');
      expect(body.error.field).toBe(field);
      expect(body.error.message).toContain(field);
    });
  }

  it('400 for a body that is not JSON', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/alarms/AL1/acknowledge',
      headers: { ...operator.headers, 'content-type': 'application/json' },
      payload: '{"comment": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BW_ERR_BAD_REQUEST');
  });

  it('422 with every problem for a plan the monitor rejects', async () => {
    const res = await inject({
      method: 'PUT',
      url: '/api/plan',
      headers: admin.headers,
      payload: {
        name: 'dup',
        assignments: [
          { id: 'A', centerHz: 470e6, bandwidthHz: 12.5e3 },
          { id: 'A', centerHz: 471e6, bandwidthHz: 12.5e3 },
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('BW_ERR_PLAN_INVALID');
    expect(res.json().error.problems).toEqual([
      { field: 'assignments[1].id', message: expect.stringContaining("duplicate id 'A'") },
    ]);
  });

  it('422 from the plan module for a frequency no RTL-SDR can tune (schema alone would accept it)', async () => {
    const res = await inject({
      method: 'PUT',
      url: '/api/plan',
      headers: admin.headers,
      payload: { name: 'low', assignments: [{ id: 'HF', centerHz: 7.1e6, bandwidthHz: 3e3 }] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.problems[0].field).toBe('assignments[0].centerHz');
    expect(tc.monitor.plan().assignments.some((a) => a.id === 'HF')).toBe(false);
  });

  it('404 for unknown alarm, sensor and recording ids', async () => {
    const a = await inject({
      method: 'POST',
      url: '/api/alarms/AL999/acknowledge',
      headers: operator.headers,
      payload: { comment: 'x' },
    });
    expect(a.statusCode).toBe(404);
    expect(a.json().error.code).toBe('BW_ERR_ALARM_NOT_FOUND');
    const s = await inject({ method: 'GET', url: '/api/sensors/nope', headers: viewer.headers });
    expect(s.statusCode).toBe(404);
    const r = await inject({ method: 'POST', url: '/api/recordings/R999/stop', headers: operator.headers });
    expect(r.statusCode).toBe(404);
    const u = await inject({ method: 'GET', url: '/api/nothing', headers: viewer.headers });
    expect(u.statusCode).toBe(404);
    expect(u.json().error.code).toBe('BW_ERR_NOT_FOUND');
  });
});

describe('reading', () => {
  it('filters alarms by state and kind, newest first', async () => {
    tc.monitor.raise({
      sensorId: 'venue-b',
      kind: 'jamming',
      severity: 'critical',
      centerHz: 600e6,
      bandwidthHz: 2e6,
      levelDbfs: -40,
      assignmentId: null,
      detail: { jammer: 'barrage' },
    });
    const jam = await inject({ method: 'GET', url: '/api/alarms?kind=jamming&state=active', headers: viewer.headers });
    expect(jam.json().map((a: { kind: string }) => a.kind)).toEqual(['jamming']);
    const cleared = await inject({ method: 'GET', url: '/api/alarms?state=cleared', headers: viewer.headers });
    expect(cleared.json().every((a: { state: string }) => a.state === 'cleared')).toBe(true);
    const all = (await inject({ method: 'GET', url: '/api/alarms', headers: viewer.headers })).json() as {
      raisedMs: number;
    }[];
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.raisedMs).toBeGreaterThanOrEqual(all[i]!.raisedMs);
  });

  it('serves sensors, state, plan, emissions and health', async () => {
    const sensors = (await inject({ method: 'GET', url: '/api/sensors', headers: viewer.headers })).json();
    expect(sensors.map((s: { id: string }) => s.id)).toEqual(['venue-a', 'venue-b']);
    const state = (await inject({ method: 'GET', url: '/api/state', headers: viewer.headers })).json();
    expect(state.alarms.active).toBeGreaterThan(0);
    const em = (
      await inject({ method: 'GET', url: '/api/emissions?activeOnly=true&sensorId=venue-a', headers: viewer.headers })
    ).json();
    expect(em.length).toBeGreaterThan(0);
    const health = (await inject({ method: 'GET', url: '/api/health', headers: viewer.headers })).json();
    expect(health).toMatchObject({ ok: true, store: { kind: 'embedded', ok: true } });
  });

  it("serves a sensor's ADC overload figures (and the OpenAPI sensor schema names them)", async () => {
    const s = tc.monitor.sensorList.find((x) => x.id === 'venue-b')!;
    Object.assign(s, { clippedFraction: 0.032, adcOverload: true });
    try {
      const sensors = (await inject({ method: 'GET', url: '/api/sensors', headers: viewer.headers })).json();
      expect(sensors.find((x: { id: string }) => x.id === 'venue-b')).toMatchObject({
        clippedFraction: 0.032,
        adcOverload: true,
      });
      const doc = (await inject({ method: 'GET', url: '/api/openapi.json', headers: viewer.headers })).json();
      expect(JSON.stringify(doc)).toContain('"clippedFraction"');
    } finally {
      delete s.clippedFraction;
      delete s.adcOverload;
    }
  });

  it('operator starts and stops a recording; server paths are not exposed', async () => {
    const start = await inject({
      method: 'POST',
      url: '/api/recordings',
      headers: operator.headers,
      payload: { sensorId: 'venue-a' },
    });
    expect(start.statusCode).toBe(201);
    expect(start.json()).not.toHaveProperty('metaPath');
    const id = start.json().id as string;
    const stop = await inject({ method: 'POST', url: `/api/recordings/${id}/stop`, headers: operator.headers });
    expect(stop.statusCode).toBe(200);
    expect(stop.json().endMs).toBeGreaterThan(0);
    const again = await inject({ method: 'POST', url: `/api/recordings/${id}/stop`, headers: operator.headers });
    expect(again.statusCode).toBe(409);
    const list = (await inject({ method: 'GET', url: '/api/recordings', headers: viewer.headers })).json();
    expect(list.canRecord).toBe(true);
    expect(JSON.stringify(list)).not.toContain('/data/recordings');
  });

  it('returns waterfall history rows for a window, resampled to the asked width', async () => {
    const t0 = Date.now() - 10_000;
    for (let i = 0; i < 10; i++) tc.monitor.emitLine('venue-a', t0 + i * 1000);
    const res = await inject({
      method: 'GET',
      url: `/api/history/waterfall?sensorId=venue-a&fromMs=${t0}&toMs=${t0 + 10_000}&widthPx=64&rows=5&startHz=470000000&stopHz=471000000`,
      headers: viewer.headers,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rows).toHaveLength(5);
    const row = Buffer.from(body.rows[0].b64, 'base64');
    expect(row.length).toBe(64);
    // The 470,6 MHz assignment's carrier (−60 dBFS) stands far above the −110 dBFS floor.
    const px = Math.floor(((470.6e6 - 470e6) / 1e6) * 64);
    expect(row[px]!).toBeGreaterThan(row[2]! + 80);
    expect(body.rows[0].timeMs).toBeGreaterThan(body.rows[4].timeMs);
  });

  it('publishes an OpenAPI 3.1 document covering every route', async () => {
    const res = await inject({ method: 'GET', url: '/api/openapi.json', headers: viewer.headers });
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ALL_ROUTES) {
      const p = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(doc.paths[p]?.[r.method.toLowerCase()], `${r.method} ${p}`).toBeDefined();
    }
    expect(
      doc.paths['/api/alarms/{id}/acknowledge'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(['comment']);
  });
});

describe('errors and audit', () => {
  it('hides internals of unexpected errors behind a reference', async () => {
    const orig = tc.monitor.sensors.bind(tc.monitor);
    tc.monitor.sensors = () => {
      throw new Error('ENOENT /srv/secret/path at Object.<anonymous> (engine.ts:42)');
    };
    try {
      const res = await inject({ method: 'GET', url: '/api/sensors', headers: viewer.headers });
      expect(res.statusCode).toBe(500);
      expect(res.json().error.code).toBe('BW_ERR_INTERNAL');
      expect(res.body).not.toMatch(/secret|engine\.ts|ENOENT|stack/);
      expect(res.json().error.message).toMatch(/reference/);
    } finally {
      tc.monitor.sensors = orig;
    }
  });

  it('writes who, what, when, where and outcome for actions and refusals', async () => {
    const alarm = tc.monitor.switchOnUnlicensed();
    await inject({
      method: 'POST',
      url: `/api/alarms/${alarm.id}/acknowledge`,
      headers: operator.headers,
      payload: { comment: 'kiểm tra' },
    });
    await inject({ method: 'PUT', url: '/api/plan', headers: viewer.headers, payload: tc.monitor.plan() });
    await tc.server.ctx.audit.flush();
    const lines = readFileSync(join(tc.dataDir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const ack = lines.find((l) => l.action === 'acknowledge-alarm' && l.target === alarm.id);
    expect(ack).toMatchObject({
      user: 'operator',
      role: 'operator',
      ip: '127.0.0.1',
      outcome: 'ok',
      detail: { comment: 'kiểm tra', status: 200 },
    });
    expect(Math.abs(ack.atMs - Date.now())).toBeLessThan(10_000);
    expect(lines.find((l) => l.action === 'set-plan' && l.user === 'viewer')).toMatchObject({
      outcome: 'denied',
      detail: { status: 403 },
    });
    expect(lines.find((l) => l.action === 'login' && l.detail.username === 'ghost')).toMatchObject({
      outcome: 'denied',
    });
    const api = await inject({ method: 'GET', url: '/api/audit?limit=5', headers: admin.headers });
    expect(api.json()).toHaveLength(5);
  });

  it('sets security headers', async () => {
    const res = await inject({ method: 'GET', url: '/api/sensors', headers: viewer.headers });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('operator notes (annotate)', () => {
  it('operators annotate an alarm; viewers read but cannot write; notes persist', async () => {
    const alarm = tc.monitor.switchOnUnlicensed();
    const denied = await inject({
      method: 'POST',
      url: '/api/notes',
      headers: viewer.headers,
      payload: { sensorId: 'venue-a', text: 'x' },
    });
    expect(denied.statusCode).toBe(403);
    const bad = await inject({
      method: 'POST',
      url: '/api/notes',
      headers: operator.headers,
      payload: { sensorId: 'venue-a' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('body.text');
    const ghost = await inject({
      method: 'POST',
      url: '/api/notes',
      headers: operator.headers,
      payload: { sensorId: 'venue-a', alarmId: 'AL999', text: 'x' },
    });
    expect(ghost.statusCode).toBe(404);
    const ok = await inject({
      method: 'POST',
      url: '/api/notes',
      headers: operator.headers,
      payload: { sensorId: 'venue-a', alarmId: alarm.id, centerHz: 469.85e6, text: 'Bàn giao ca: nguồn phát ở khu B' },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ by: 'operator', alarmId: alarm.id, text: 'Bàn giao ca: nguồn phát ở khu B' });
    const list = await inject({ method: 'GET', url: `/api/notes?alarmId=${alarm.id}`, headers: viewer.headers });
    expect(list.json()).toHaveLength(1);
    const { NoteStore } = await import('../../src/server/notes.ts');
    const reloaded = await NoteStore.create(join(tc.dataDir, 'notes.jsonl'));
    expect(reloaded.list({ alarmId: alarm.id })[0]?.text).toBe('Bàn giao ca: nguồn phát ở khu B');
  });
});
