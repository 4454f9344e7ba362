/**
 * Shared set-up of the browser suites: build web/dist (the server serves it; esbuild, well under a second), start
 * the console on a loopback port with the fake monitor producing lines, and launch one headless Chromium.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launchBrowser, type BrowserSession } from './browser.ts';
import { startTestConsole, type TestConsole } from './console-server.ts';

export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

export async function startE2eConsole(o: {
  lineRateHz: number;
  viewport: { width: number; height: number };
}): Promise<{ tc: TestConsole; b: BrowserSession }> {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'build-web.mjs')], {
    stdio: 'pipe',
  });
  const tc = await startTestConsole({}, { lineRateHz: o.lineRateHz, canRecord: true });
  await tc.server.listen();
  tc.monitor.start();
  const b = await launchBrowser(o.viewport);
  return { tc, b };
}
