/**
 * End to end in Debian's headless Chromium: the console against the server on a loopback port with the fake
 * monitor. One browser launch for the file.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { venuePlan } from '../../dsp/synth/venue.ts';
import { Monitor } from '../../src/engine/monitor.ts';
import { createServer } from '../../src/server/server.ts';
import { openLiveInput } from '../../src/sources/open.ts';
import { EmbeddedStore } from '../../src/storage/embeddedStore.ts';
import type { FrequencyPlan } from '../../src/types.ts';
import type { BrowserSession } from '../helpers/browser.ts';
import { ARTIFACTS, startE2eConsole } from '../helpers/e2e-console.ts';
import type { TestConsole } from '../helpers/console-server.ts';

let tc: TestConsole;
let b: BrowserSession;

beforeAll(async () => {
  ({ tc, b } = await startE2eConsole({ lineRateHz: 20, viewport: { width: 1920, height: 1080 } }));
}, 60_000);

afterAll(async () => {
  await b?.close();
  await tc?.dispose();
});

const waterfallImage = () =>
  b.page.evaluate(() => (document.getElementById('waterfall-canvas') as HTMLCanvasElement).toDataURL());

describe('operator console in Chromium', () => {
  it('logs in, streams the waterfall with the plan, raises and acknowledges an alarm, speaks Vietnamese', async () => {
    const page = b.page;
    await page.goto(tc.server.url + '/');
    // Vietnamese by default.
    await expect(page.textContent('#login-submit')).resolves.toBe('Đăng nhập');
    await page.click('.lang-btn[data-lang="en"]');
    await expect(page.textContent('#login-submit')).resolves.toBe('Log in');

    await page.fill('#login-user', 'operator');
    await page.fill('#login-pass', 'wrong-password');
    await page.click('#login-submit');
    await page.waitForFunction(
      () => document.getElementById('login-error')?.textContent === 'Wrong user name or password',
    );
    await page.fill('#login-pass', 'operator-pass-1');
    await page.click('#login-submit');

    // Live waterfall: rows arrive and the canvas changes between two reads.
    await page.waitForSelector('#viewer[data-renderer]');
    expect(await page.getAttribute('#viewer', 'data-renderer')).toBe('webgl2');
    await page.waitForFunction(() => Number(document.getElementById('viewer')?.dataset.rows ?? 0) > 5, undefined, {
      timeout: 10_000,
    });
    const img1 = await waterfallImage();
    await page.waitForTimeout(700);
    const img2 = await waterfallImage();
    expect(img2).not.toBe(img1);

    // Plan overlay: every assignment in view is labelled.
    const labels = await page.$$eval('.plan-label', (els) => els.map((e) => e.textContent));
    expect(labels).toEqual(expect.arrayContaining(['A-470.100', 'A-470.600', 'A-471.000']));

    // Zoom with the wheel: the server is asked for the narrower window (sharp zoom).
    const box = await page.locator('#wf-wrap').boundingBox();
    if (!box) throw new Error('no waterfall box');
    await page.mouse.move(box.x + box.width * 0.5, box.y + 100);
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -100);
    await expect
      .poll(
        () =>
          [...tc.server.ctx.hub.clients].map((c) => c.subscription?.startHz ?? null).find((s) => s !== null) ?? null,
        { timeout: 5000 },
      )
      .not.toBeNull();
    await page.click('#reset-zoom');

    // The venue switches on an unlicensed emitter → alarm in the panel.
    const alarm = tc.monitor.switchOnUnlicensed('venue-a', 469.85e6, -45);
    const item = page.locator(`.alarm[data-alarm-id="${alarm.id}"]`);
    await item.waitFor({ timeout: 5000 });
    await expect(item.locator('.kind').textContent()).resolves.toBe('Unlicensed emitter');
    // An over-power alarm on an assignment turns its band "violated".
    tc.monitor.raise({
      sensorId: 'venue-a',
      kind: 'over-power',
      severity: 'critical',
      centerHz: 470.1e6,
      bandwidthHz: 12.5e3,
      levelDbfs: -20,
      assignmentId: 'A-470.100',
      detail: {},
    });
    await page.waitForSelector('.plan-band.band-violated[data-assignment="A-470.100"]', { timeout: 5000 });
    await page.waitForSelector('.emission-mark.unlicensed', { timeout: 5000 });

    // Acknowledge with a comment.
    await item.locator('.ack-btn').click();
    await item.locator('.ack-comment').fill('Tổ kiểm tra đang xác minh nguồn phát');
    await item.locator('.ack-confirm').click();
    await item.locator('.ack').waitFor({ timeout: 5000 });
    expect(tc.monitor.alarms().find((a) => a.id === alarm.id)?.acks).toEqual([
      expect.objectContaining({ by: 'operator', comment: 'Tổ kiểm tra đang xác minh nguồn phát' }),
    ]);

    // Record IQ from the sensor (operator; the fake monitor can record on demand).
    await page.click('#record-toggle');
    await page.waitForSelector('#record-toggle.recording');
    expect(tc.monitor.recordings().filter((r) => r.endMs === null)).toHaveLength(1);
    await page.click('#record-toggle');
    await page.waitForSelector('#record-toggle:not(.recording)');
    expect(tc.monitor.recordings()[0]?.endMs).not.toBeNull();

    // Annotate it for the next shift.
    await item.locator('.note-btn').click();
    await item.locator('.ack-comment').fill('Handover: source near gate B');
    await item.locator('.ack-confirm').click();
    await item.locator('.note').waitFor({ timeout: 5000 });
    expect(await item.locator('.note').textContent()).toContain('operator');
    expect(tc.server.ctx.notes.list({ alarmId: alarm.id })[0]?.text).toBe('Handover: source near gate B');

    // Switch to Vietnamese: labels become the glossary terms; numbers get a decimal comma.
    await page.click('.lang-btn[data-lang="vi"]');
    await expect(page.textContent('#alarms-panel h2')).resolves.toBe('Cảnh báo');
    await expect(page.textContent('#sensors-panel h2')).resolves.toBe('Trạm thu');
    await expect(item.locator('.kind').textContent()).resolves.toBe('Phát xạ không phép');
    await expect(page.textContent('#logout')).resolves.toBe('Đăng xuất');
    await expect(page.textContent('.trace-toggle.t-live span')).resolves.toBe('Đường phổ');
    const sensorText = await page.textContent('#sensor-list');
    expect(sensorText).toContain('Thu cố định');
    expect(sensorText).toContain('Mất mẫu');
    expect(sensorText).toContain('470,600 MHz');
    await expect(item.locator('.facts').textContent()).resolves.toContain('469,850 MHz');

    // Evidence: the waterfall at that moment, from the history API.
    await item.locator('.evidence').click();
    await page.waitForSelector('#history-bar:not([hidden])', { timeout: 5000 });
    expect(await page.textContent('#history-label')).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}/);
    await page.click('#history-bar button.primary'); // back to live
    await page.waitForSelector('#history-bar[hidden]', { state: 'attached' });
    await page.waitForTimeout(2500);
    // Hover over the 470,6 MHz microphone band (mid-span): frequency, level and the assignment.
    await page.mouse.move(box.x + box.width * 0.5, box.y + 60);
    await page.waitForSelector('#tooltip:not([hidden])');
    const tip = (await page.textContent('#tooltip')) ?? '';
    expect(tip).toMatch(/Tần số: 470,6\d{3} MHz/);
    expect(tip).toContain('Ấn định tần số: A-470.600');
    expect(tip).toMatch(/Mức tín hiệu: −\d+,\d dBFS/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'console-e2e.png') });
    // Laptop size: the grid reflows (narrower side column), nothing spills.
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(ARTIFACTS, 'console-e2e-laptop.png') });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    await page.setViewportSize({ width: 1920, height: 1080 });

    // The language choice persists across a reload; the canvas-2D fallback renderer also draws the waterfall.
    await page.goto(tc.server.url + '/?renderer=2d');
    await page.waitForSelector('#viewer[data-renderer="canvas2d"]');
    await expect(page.textContent('#alarms-panel h2')).resolves.toBe('Cảnh báo');
    await page.waitForTimeout(500);
    const c1 = await waterfallImage();
    await page.waitForTimeout(500);
    expect(await waterfallImage()).not.toBe(c1);

    // Only the expected 401 of the initial session probe may show up as a console error.
    expect(b.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  }, 40_000);

  it('with the real engine: the simulated venue switches on an unlicensed PMR emitter; the console shows and acknowledges it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-e2e-engine-'));
    const store = await EmbeddedStore.create({ dir: join(dir, 'measurements') });
    // Venue schedule 10× faster: the unlicensed NFM emitter at 446,18125 MHz comes on 0,15 s after start.
    const source = await openLiveInput('virtual:venue', { cluster: 'pmr', timeScale: 0.1, id: 'pmr' });
    const monitor = await Monitor.create({
      dataDir: dir,
      plan: venuePlan() as FrequencyPlan,
      store,
      sensors: [{ id: 'pmr', name: 'PMR446', source }],
    });
    const server = await createServer(monitor, {
      dataDir: dir,
      port: 0,
      adminPassword: 'engine-admin-1',
      print: () => {},
    });
    await server.listen();
    const page = await b.ctx.newPage();
    try {
      await page.goto(server.url + '/');
      await page.fill('#login-user', 'admin');
      await page.fill('#login-pass', 'engine-admin-1');
      await page.click('#login-submit');
      await page.waitForSelector('#viewer[data-renderer]');
      // Logged in and watching: now the venue comes alive.
      await monitor.start();
      await page.waitForFunction(() => Number(document.getElementById('viewer')?.dataset.rows ?? 0) > 5, undefined, {
        timeout: 15_000,
      });
      const shot = () =>
        page.evaluate(() => (document.getElementById('waterfall-canvas') as HTMLCanvasElement).toDataURL());
      const a = await shot();
      await page.waitForTimeout(600);
      expect(await shot()).not.toBe(a);
      // The venue plan's PMR446 channels are drawn; crowded labels are thinned, never overlapping.
      expect(await page.locator('.plan-band[data-assignment^="PMR"]').count()).toBeGreaterThan(3);
      // Every label, measured: the thinned ones are display: none and measure 0 wide.
      // One synchronous read in the page (the overlay re-renders as emissions come and go).
      const boxes = await page.evaluate(() =>
        [...document.querySelectorAll('.plan-label')]
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.width > 0)
          .map((r) => [r.left, r.right]),
      );
      expect(boxes.length).toBeGreaterThan(2);
      boxes.sort((x, y) => x[0]! - y[0]!);
      for (let i = 1; i < boxes.length; i++) expect(boxes[i]![0]!).toBeGreaterThanOrEqual(boxes[i - 1]![1]! - 1);

      // Show cleared alarms too: on a loaded CI box the 3 s emitter may have ended before the page looks.
      await page.selectOption('#alarm-state-filter', 'all');
      const item = page.locator('.alarm', { hasText: 'Phát xạ không phép' }).first();
      await item.waitFor({ timeout: 15_000 });
      expect(await item.locator('.facts').textContent()).toMatch(/446,18\d MHz/);
      const id = await item.getAttribute('data-alarm-id');
      await item.locator('.ack-btn').click();
      await item.locator('.ack-comment').fill('Đã ghi nhận, cử tổ kiểm tra');
      await item.locator('.ack-confirm').click();
      await item.locator('.ack').waitFor({ timeout: 5000 });
      expect(monitor.alarms().find((x) => x.id === id)?.acks[0]).toMatchObject({
        by: 'admin',
        comment: 'Đã ghi nhận, cử tổ kiểm tra',
      });
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(ARTIFACTS, 'console-e2e-engine.png') });
    } finally {
      await page.close();
      await server.close();
      await monitor.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
