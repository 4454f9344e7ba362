/** rtl_tcp end to end: a virtual dongle shared by firmware-bridge's rtl_tcp server, read through `--input rtltcp://`. */
import { describe, expect, it } from 'vitest';
import { RtlTcpServer } from '../../firmware-bridge/rtltcp/server.ts';
import { openVirtualDevice } from '../../src/sources/virtual.ts';
import { analyzeSource, type AnalyzeRecord } from '../../src/pipeline/analyze.ts';
import { openLiveInput } from '../../src/sources/open.ts';

describe('rtl_tcp source', () => {
  it('streams IQ from an rtl_tcp server and detects its test tones', async () => {
    const v = await openVirtualDevice('tone', { serial: '00000077', port: 77 });
    const server = await RtlTcpServer.create({ device: v.device, host: '127.0.0.1', port: 0 });
    try {
      const src = await openLiveInput(`rtltcp://127.0.0.1:${server.port}`, {
        centerHz: v.defaultCenterHz,
        sampleRateHz: 2.4e6,
        gain: 29.7,
      });
      expect(src.kind).toBe('rtltcp');
      const out: AnalyzeRecord[] = [];
      const summary = await analyzeSource(src, { durationS: 2 }, (r) => out.push(r));
      expect(summary.durationS).toBeGreaterThan(1.5);
      expect(summary.spectra).toBeGreaterThan(40);
      const det = out.filter((r) => r.type === 'detection');
      expect(det.length).toBeGreaterThan(0);
      // Every detection is inside the tuned span.
      for (const d of det)
        if (d.type === 'detection') expect(Math.abs(d.centerHz - v.defaultCenterHz)).toBeLessThan(1.2e6);
    } finally {
      await server.close();
      await v.device.close().catch(() => undefined);
    }
  }, 30_000);

  it('says clearly that rtl_tcp needs a centre frequency', async () => {
    await expect(openLiveInput('rtltcp://127.0.0.1:1')).rejects.toMatchObject({ code: 'BW_ERR_INPUT' });
  });
});
