/** Report URLs the console builds, and the recordings table's size and duration formats. */
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../../web/src/i18n.ts';
import { formatBytes, formatDuration } from '../../web/src/recordings-panel.ts';
import { incidentReportUrl, localDay, periodicReportUrl } from '../../web/src/reports-menu.ts';

const noStore = { setItem: () => undefined };
afterEach(() => setLang('vi', noStore));

describe('report URLs', () => {
  it('links an alarm to its incident report in the chosen language, id escaped', () => {
    expect(incidentReportUrl('AL 7/x', 'en')).toBe('/api/reports/incident/AL%207%2Fx?lang=en');
    setLang('vi', noStore);
    expect(incidentReportUrl('AL7')).toBe('/api/reports/incident/AL7?lang=vi');
  });

  it('asks for today as the console’s local calendar day', () => {
    const now = new Date(2026, 10, 26, 23, 59).getTime();
    expect(localDay(now)).toBe('2026-11-26');
    expect(periodicReportUrl({ range: 'today', format: 'html', lang: 'vi' }, now)).toBe(
      '/api/reports/periodic?from=2026-11-26&format=html&lang=vi',
    );
  });

  it('asks for an event phase or a custom range, CSV or HTML', () => {
    expect(periodicReportUrl({ range: 'phase', phase: 'after', format: 'csv', lang: 'en' })).toBe(
      '/api/reports/periodic?phase=after&format=csv&lang=en',
    );
    expect(
      periodicReportUrl({ range: 'custom', from: '2026-11-20', to: '2026-11-26', format: 'csv', lang: 'vi' }),
    ).toBe('/api/reports/periodic?from=2026-11-20&to=2026-11-26&format=csv&lang=vi');
  });
});

describe('recording formats', () => {
  it('sizes with decimal units and the language decimal mark', () => {
    setLang('vi', noStore);
    expect(formatBytes(9_600_000)).toBe('9,6 MB');
    expect(formatBytes(2_500_000_000)).toBe('2,50 GB');
    expect(formatBytes(512)).toBe('512 B');
    setLang('en', noStore);
    expect(formatBytes(1_500)).toBe('1.5 kB');
  });

  it('durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(20_400)).toBe('0:20');
    expect(formatDuration(61_000)).toBe('1:01');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('0:00');
  });
});
