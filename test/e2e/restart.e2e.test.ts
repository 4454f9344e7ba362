/**
 * What a server restart looks to a wall screen, in Debian's headless Chromium: the console stays on the same
 * page (no reload, no login form), shows "reconnecting" while the server is down, then streams again and its
 * actions still pass the CSRF check.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ConsoleServer } from '../../src/server/server.ts';
import { launchBrowser, type BrowserSession } from '../helpers/browser.ts';
import { PASSWORDS, TEST_SCRYPT } from '../helpers/console-server.ts';
import { FakeMonitor } from '../helpers/fake-monitor.ts';
import { useTempDirs } from '../server/temp-dirs.ts';

const tmp = useTempDirs('bw-restart-');
let b: BrowserSession | null = null;
let live: { server: ConsoleServer; monitor: FakeMonitor } | null = null;

async function start(dataDir: string, port: number) {
  const monitor = new FakeMonitor({ lineRateHz: 20 });
  const server = await createServer(monitor, {
    dataDir,
    port,
    adminPassword: PASSWORDS.admin,
    scryptCost: TEST_SCRYPT,
    print: () => {},
    // Streams are checked against their session every pingMs: make that happen during the test.
    stream: { pingMs: 500 },
  });
  if (!server.ctx.users.get('operator')) await server.ctx.users.add('operator', 'operator', PASSWORDS.operator);
  await server.listen();
  monitor.start();
  live = { server, monitor };
  return live;
}

async function stop(): Promise<void> {
  if (!live) return;
  live.monitor.stop();
  await live.server.close();
  live = null;
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'build-web.mjs')], {
    stdio: 'pipe',
  });
  b = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await b?.close();
  await stop();
});

const rows = (): Promise<number> =>
  b!.page.evaluate(() => Number(document.getElementById('viewer')?.dataset.rows ?? 0));

describe('server restart seen from a wall screen', () => {
  it('keeps the page logged in and streaming, and acknowledges an alarm after the restart', async () => {
    const dir = tmp();
    const first = await start(dir, 0);
    const url = first.server.url;
    const port = Number(new URL(url).port);
    const page = b!.page;
    await page.goto(url + '/');
    await page.click('.lang-btn[data-lang="en"]');
    await page.fill('#login-user', 'operator');
    await page.fill('#login-pass', PASSWORDS.operator);
    await page.click('#login-submit');
    await page.waitForFunction(() => Number(document.getElementById('viewer')?.dataset.rows ?? 0) > 5, undefined, {
      timeout: 15_000,
    });
    // A marker that a page reload would wipe.
    await page.evaluate(() => ((window as unknown as { bwMarker: number }).bwMarker = 42));

    await stop();
    await page.waitForSelector('#conn-status.bad', { timeout: 10_000 });
    expect(await page.textContent('#conn-status')).toBe('Reconnecting…');
    const before = await rows();

    const second = await start(dir, port);
    await page.waitForSelector('#conn-status.ok', { timeout: 20_000 });
    await expect.poll(rows, { timeout: 10_000 }).toBeGreaterThan(before + 5);
    expect(await page.evaluate(() => (window as unknown as { bwMarker?: number }).bwMarker)).toBe(42);
    expect(await page.$('#login-form')).toBeNull();

    // A state-changing action from the same page: its CSRF token is still the session's.
    const alarm = second.monitor.switchOnUnlicensed('venue-a', 469.85e6, -45);
    const item = page.locator(`.alarm[data-alarm-id="${alarm.id}"]`);
    await item.waitFor({ timeout: 10_000 });
    await item.locator('.ack-btn').click();
    await item.locator('.ack-comment').fill('sau khi khởi động lại');
    await item.locator('.ack-confirm').click();
    await item.locator('.ack').waitFor({ timeout: 10_000 });
    expect(second.monitor.alarms().find((a) => a.id === alarm.id)?.acks).toEqual([
      expect.objectContaining({ by: 'operator', comment: 'sau khi khởi động lại' }),
    ]);
    expect(b!.errors.filter((e) => !/Failed to load resource|WebSocket/.test(e))).toEqual([]);
  });
});
