/**
 * End to end in Debian's headless Chromium (one launch): an admin edits the frequency plan in the console — a
 * plan with a duplicate id is refused and the problem shows at its row, the fixed plan is accepted and lands in
 * the plan history — then opens the incident report of an alarm in a new tab.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession } from '../helpers/browser.ts';
import { ARTIFACTS, startE2eConsole } from '../helpers/e2e-console.ts';
import type { TestConsole } from '../helpers/console-server.ts';

let tc: TestConsole;
let b: BrowserSession;

beforeAll(async () => {
  ({ tc, b } = await startE2eConsole({ lineRateHz: 10, viewport: { width: 1600, height: 1000 } }));
}, 60_000);

afterAll(async () => {
  await b?.close();
  await tc?.dispose();
});

const BAD_CSV = [
  'id;centerMHz;bandwidthKHz;emission;service;licensee;maxLevelDbfs',
  'A-470.100;470,1;12,5;11K0F3E;PMR;Ban tổ chức;-30',
  'A-470.600;470,6;200;200KF8E;Wireless mic;;',
  'A-470.100;471,2;25;16K0F3E;PMR;Đài truyền hình;',
].join('\n');

describe('admin workflows in Chromium', () => {
  it('edits the plan: sees the server problem at its row, fixes it, is accepted; opens an incident report', async () => {
    const page = b.page;
    await page.goto(tc.server.url + '/');
    await page.fill('#login-user', 'admin');
    await page.fill('#login-pass', 'admin-pass-1');
    await page.click('#login-submit');
    await page.waitForSelector('#open-plan');

    // The plan panel shows the plan in force, Vietnamese decimal comma.
    await page.click('#open-plan');
    await page.waitForSelector('#plan-table tbody tr[data-row="2"]');
    expect(await page.inputValue('#plan-table tr[data-row="0"] input[data-col="centerMHz"]')).toBe('470,1');

    // Paste a CSV with a duplicate id and apply it: the server's 422 problem shows at row 3, id field.
    await page.fill('#plan-source', BAD_CSV);
    await page.click('#plan-parse');
    await page.fill('#plan-name-input', 'Kế hoạch Đại hội v2');
    await page.click('#plan-submit');
    await page.waitForSelector('#plan-status.bad');
    const problem = await page.textContent('tr.row-problems[data-problem-row="2"]');
    expect(problem).toContain("duplicate id 'A-470.100'");
    expect(await page.getAttribute('#plan-table tr[data-row="2"] input[data-col="id"]', 'aria-invalid')).toBe('true');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-plan-problem.png') });
    expect(tc.monitor.plan().name).toBe('Venue plan (test)');

    // Fix the row and apply again: accepted, in force on the server, the old plan in the history.
    await page.fill('#plan-table tr[data-row="2"] input[data-col="id"]', 'A-471.200');
    await page.click('#plan-submit');
    await page.waitForSelector('#plan-status.ok');
    expect(await page.$('tr.row-problems')).toBeNull();
    const plan = tc.monitor.plan();
    expect(plan.name).toBe('Kế hoạch Đại hội v2');
    expect(plan.assignments.map((a) => [a.id, a.centerHz, a.bandwidthHz])).toEqual([
      ['A-470.100', 470_100_000, 12_500],
      ['A-470.600', 470_600_000, 200_000],
      ['A-471.200', 471_200_000, 25_000],
    ]);
    await page.waitForSelector('#plan-history tbody tr');
    expect(await page.textContent('#plan-history tbody tr')).toContain('admin');
    await expect(page.textContent('#plan-name')).resolves.toContain('Kế hoạch Đại hội v2');
    await page.click('#plan-dialog .dialog-close');

    // In English the table uses a decimal point (and English headers).
    await page.click('.lang-btn[data-lang="en"]');
    await page.click('#open-plan');
    await page.waitForSelector('#plan-table tbody tr[data-row="2"]');
    expect(await page.inputValue('#plan-table tr[data-row="2"] input[data-col="centerMHz"]')).toBe('471.2');
    expect(await page.textContent('#plan-table thead')).toContain('Centre frequency (MHz)');
    await page.click('#plan-dialog .dialog-close');
    await page.click('.lang-btn[data-lang="vi"]');

    // An alarm arrives; its incident report opens in a new tab with the frequency in Vietnamese format.
    const alarm = tc.monitor.switchOnUnlicensed('venue-a', 469.85e6, -45, 16e3);
    const link = page.locator(`li[data-alarm-id="${alarm.id}"] a.incident-report`);
    await link.waitFor();
    expect(await link.textContent()).toBe('Báo cáo sự cố');
    const [report] = await Promise.all([b.ctx.waitForEvent('page'), link.click()]);
    await report.waitForLoadState();
    const text = (await report.textContent('body')) ?? '';
    expect(text).toContain('469,8500 MHz');
    expect(text).toContain(alarm.id);
    await report.screenshot({ path: join(ARTIFACTS, 'admin-incident-report.png'), fullPage: true });
    await report.close();

    // Recordings: start a manual recording of the watched sensor, see it listed, stop it.
    await page.click('#open-recordings');
    await page.click('#rec-start');
    const running = page.locator('#recordings-table tr.running');
    await running.waitFor();
    expect(await running.textContent()).toMatch(/venue-a.*thủ công/);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-recordings.png') });
    await running.locator('.rec-stop').click();
    await page.waitForFunction(() => !document.querySelector('#recordings-table tr.running'));
    expect(tc.monitor.recordings().map((r) => [r.reason, r.endMs !== null])).toEqual([['manual', true]]);
    expect(await page.textContent('#recordings-table tbody')).toContain('1,2 kB');
    await page.click('#recordings-dialog .dialog-close');

    // Periodic report of today, HTML, English: a new tab with the report.
    await page.click('#open-reports');
    await page.selectOption('#report-lang', 'en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-periodic.png') });
    const [periodic] = await Promise.all([b.ctx.waitForEvent('page'), page.click('#report-open')]);
    await periodic.waitForLoadState();
    expect(periodic.url()).toMatch(/\/api\/reports\/periodic\?from=\d{4}-\d{2}-\d{2}&format=html&lang=en$/);
    expect(await periodic.getAttribute('html', 'lang')).toBe('en');
    await periodic.close();
    await page.click('#reports-dialog .dialog-close');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-console.png') });
    // A viewer sees the plan read-only and no recording buttons.
    await page.click('#logout');
    await page.waitForSelector('#login-submit');
    await page.fill('#login-user', 'viewer');
    await page.fill('#login-pass', 'viewer-pass-1');
    await page.click('#login-submit');
    await page.click('#open-plan');
    await page.waitForSelector('#plan-table tbody tr[data-row="2"]');
    expect(await page.$$('#plan-table input')).toHaveLength(0);
    expect(await page.$('#plan-submit')).toBeNull();
    expect(await page.textContent('#plan-table tr[data-row="2"]')).toContain('471,2');
    await page.click('#plan-dialog .dialog-close');
    await page.click('#open-recordings');
    await page.waitForSelector('#recordings-table tbody tr');
    expect(await page.$('#rec-start')).toBeNull();
    expect(await page.$('.rec-stop')).toBeNull();

    // The browser logs the session probe before login (401) and the refused plan (422): both expected.
    expect(b.errors.filter((e) => !/status of (401|422)/.test(e))).toEqual([]);
  }, 30_000);
});
