/**
 * The sensors panel in Debian's headless Chromium shows an overloaded sensor's clipped fraction, in Vietnamese and
 * English, and drops it when the overload ends (statuses pushed over the WebSocket by the fake monitor).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession } from '../helpers/browser.ts';
import type { TestConsole } from '../helpers/console-server.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, startE2eConsole } from '../helpers/e2e-console.ts';

let tc: TestConsole;
let b: BrowserSession;

beforeAll(async () => {
  ({ tc, b } = await startE2eConsole({ lineRateHz: 5, viewport: { width: 1280, height: 800 } }));
}, 60_000);

afterAll(async () => {
  await b?.close();
  await tc?.dispose();
});

const cardText = () => b.page.textContent('#sensor-list li[data-sensor="venue-a"]');

describe('sensors panel: ADC overload', () => {
  it('shows "Quá tải ADC 3,2 %" / "ADC overload 3.2 %" with the advice while overloaded, nothing after', async () => {
    const page = b.page;
    await page.goto(tc.server.url + '/');
    await page.fill('#login-user', 'operator');
    await page.fill('#login-pass', 'operator-pass-1');
    await page.click('#login-submit');
    await page.waitForSelector('#sensor-list li[data-sensor="venue-a"]');
    expect(await cardText()).not.toContain('Quá tải ADC');

    tc.monitor.setSensorState('venue-a', { clippedFraction: 0.0321, adcOverload: true });
    await page.waitForFunction(() =>
      document.querySelector('#sensor-list li[data-sensor="venue-a"]')?.textContent?.includes('Quá tải ADC'),
    );
    expect(await cardText()).toContain('Quá tải ADC3,2 % · Giảm độ khuếch đại (gain)');
    expect(await page.getAttribute('#sensor-list li[data-sensor="venue-a"] dd.adc-overload', 'title')).toMatch(
      /quá tải/,
    );
    expect(await page.getAttribute('#sensor-list li[data-sensor="venue-a"] .dot', 'class')).not.toContain('ok');
    // The other sensor is untouched.
    expect(await page.textContent('#sensor-list li[data-sensor="venue-b"]')).not.toContain('ADC');

    await page.click('.lang-btn[data-lang="en"]');
    tc.monitor.setSensorState('venue-a', { clippedFraction: 0.0321, adcOverload: true });
    await page.waitForFunction(() =>
      document.querySelector('#sensor-list li[data-sensor="venue-a"]')?.textContent?.includes('ADC overload'),
    );
    expect(await cardText()).toContain('ADC overload3.2 % · Lower the gain');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#sensors-panel').screenshot({ path: join(ARTIFACTS, 'sensors-overload.png') });

    tc.monitor.setSensorState('venue-a', { clippedFraction: 0, adcOverload: false });
    await page.waitForFunction(
      () => !document.querySelector('#sensor-list li[data-sensor="venue-a"]')?.textContent?.includes('ADC overload'),
    );
    await page.click('.lang-btn[data-lang="vi"]');
  }, 60_000);
});
