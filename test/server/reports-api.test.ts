/** Report routes through inject: roles, validation, locale formatting of the alarm frequency, CSV download. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodFromQuery } from '../../src/server/routes/reports.ts';
import { login, startTestConsole, type Login, type TestConsole } from '../helpers/console-server.ts';

let tc: TestConsole;
let viewer: Login;
let alarmId: string;

beforeAll(async () => {
  tc = await startTestConsole();
  viewer = await login(tc.server, 'viewer');
  // Some spectrum for the in-memory history, then an unlicensed emitter at 469,85 MHz.
  for (let i = 0; i < 5; i++) tc.monitor.emitLine('venue-a', Date.now() - 5000 + i * 1000);
  alarmId = tc.monitor.switchOnUnlicensed('venue-a', 469.85e6, -45, 16e3).id;
});
afterAll(async () => {
  await tc?.dispose();
});

const get = (url: string, headers: Record<string, string> = viewer.headers) =>
  tc.server.app.inject({ method: 'GET', url, headers });

describe('GET /api/reports/incident/:id', () => {
  it('needs a session', async () => {
    const res = await get(`/api/reports/incident/${alarmId}`, {});
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('BW_ERR_UNAUTHENTICATED');
  });

  it('lets a viewer read it, with the frequency in the Vietnamese format by default', async () => {
    const res = await get(`/api/reports/incident/${alarmId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('469,8500 MHz');
    expect(res.body).not.toContain('469.8500 MHz');
    expect(res.body).toContain(alarmId);
    // The printable page may use its inline CSS but never run scripts.
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'");
  });

  it('writes English with a decimal point when asked', async () => {
    const res = await get(`/api/reports/incident/${alarmId}?lang=en`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('469.8500 MHz');
    expect(res.body).toContain('<html lang="en"');
  });

  it('answers 404 for an unknown alarm and 400 for a malformed id or query', async () => {
    const nf = await get('/api/reports/incident/no-such-alarm');
    expect(nf.statusCode).toBe(404);
    expect(nf.json().error).toMatchObject({ code: 'BW_ERR_ALARM_NOT_FOUND', field: 'params.id' });
    const badId = await get('/api/reports/incident/bad%20id!');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error).toMatchObject({ code: 'BW_ERR_VALIDATION', field: 'params.id' });
    const badLang = await get(`/api/reports/incident/${alarmId}?lang=fr`);
    expect(badLang.statusCode).toBe(400);
    expect(badLang.json().error).toMatchObject({ code: 'BW_ERR_VALIDATION', field: 'querystring.lang' });
  });
});

describe('GET /api/reports/periodic', () => {
  it('needs a session', async () => {
    expect((await get('/api/reports/periodic?from=2026-11-26', {})).statusCode).toBe(401);
  });

  it('serves a day as HTML to a viewer', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const res = await get(`/api/reports/periodic?from=${day}&lang=en`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<html lang="en"');
  });

  it('serves CSV as a download with a header row (Vietnamese: semicolons)', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await get(
      `/api/reports/periodic?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&format=csv&lang=vi`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(String(res.headers['content-disposition'])).toMatch(/^attachment; filename="bandwatch-report-.*-vi\.csv"$/);
    const lines = res.body.replace(/^\uFEFF/, '').split(/\r?\n/);
    const header = (lines[0] ?? '').split(';');
    expect(header.length).toBeGreaterThanOrEqual(7);
    expect(lines.length).toBeGreaterThan(1);
    // The alarm raised above is counted in the alarms section.
    expect(res.body).toMatch(/unlicensed-emitter|không phép/);
  });

  it.each([
    ['from=26-11-2026', 'querystring.from'],
    ['from=2026-11-26&format=pdf', 'querystring.format'],
    ['from=2026-11-26&bogus=1', 'querystring.bogus'],
    ['phase=sometime', 'querystring.phase'],
    ['', 'querystring.from'],
    ['from=2026-11-26T10:00:00Z', 'querystring.to'],
    ['from=2026-11-26&to=2026-11-25', 'querystring.to'],
    ['from=2026-01-01&to=2026-11-25', 'querystring.to'],
    ['phase=during', 'querystring.phase'],
    ['phase=during&from=2026-11-26', 'querystring.phase'],
  ])('refuses %s with a typed error naming %s', async (qs, field) => {
    const res = await get(`/api/reports/periodic?${qs}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'BW_ERR_VALIDATION', field });
  });

  it('resolves an event phase of the plan in force', () => {
    const plan = { name: 'p', assignments: [], phases: [{ phase: 'during' as const, fromMs: 1000, toMs: 5000 }] };
    const p = periodFromQuery({ phase: 'during' }, { monitor: { plan: () => plan } as never });
    expect([p.fromMs, p.toMs, p.kind]).toEqual([1000, 5000, 'phase']);
    // A whole day in Asia/Ho_Chi_Minh: 17:00 UTC the day before.
    const d = periodFromQuery({ from: '2026-11-26', to: '2026-11-26' }, { monitor: {} as never });
    expect(d.fromMs).toBe(Date.UTC(2026, 10, 25, 17));
    expect(d.toMs).toBe(Date.UTC(2026, 10, 26, 17) - 1);
  });
});
