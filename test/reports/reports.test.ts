import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as zcrc32, inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { SpectrumHistory } from '../../src/history/history.ts';
import { fmtDate, fmtMHz, fmtNum } from '../../src/reports/i18n.ts';
import { incidentReportHtml } from '../../src/reports/incident.ts';
import {
  computePeriodicFigures,
  periodicReportCsv,
  periodicReportHtml,
  resolvePeriod,
} from '../../src/reports/periodic.ts';
import { crc32, encodePng } from '../../src/reports/png.ts';
import { EmbeddedStore } from '../../src/storage/embeddedStore.ts';
import { channelPoint, noiseFloorPoint, sensorHealthPoint } from '../../src/storage/schema.ts';
import type { Alarm, SensorStatus } from '../../src/types.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'bw-rep-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Minimal PNG reader for the tests: returns width, height and RGB after checking every CRC. */
function decodePng(buf: Buffer): { width: number; height: number; rgb: Uint8Array } {
  expect([...buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    expect(buf.readUInt32BE(off + 8 + len)).toBe(zcrc32(buf.subarray(off + 4, off + 8 + len)));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 2]);
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (1 + width * 3)]).toBe(0);
    rgb.set(raw.subarray(y * (1 + width * 3) + 1, (y + 1) * (1 + width * 3)), y * width * 3);
  }
  return { width, height, rgb };
}

describe('PNG encoder', () => {
  it('writes a valid PNG that decodes to the same pixels', () => {
    const rgb = new Uint8Array(5 * 3 * 3).map((_, i) => (i * 37) & 0xff);
    const png = encodePng(5, 3, rgb);
    const d = decodePng(png);
    expect([d.width, d.height]).toEqual([5, 3]);
    expect([...d.rgb]).toEqual([...rgb]);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});

describe('formatting', () => {
  it('uses a decimal comma and dd/mm/yyyy HH:mm:ss in Vietnamese, Vietnam time', () => {
    expect(fmtMHz(470_125_000, 'vi', 3)).toBe('470,125 MHz');
    expect(fmtMHz(470_125_000, 'en', 3)).toBe('470.125 MHz');
    expect(fmtNum(-1234.56, 'vi', 1)).toBe('-1.234,6');
    const t = Date.UTC(2026, 10, 26, 17, 3, 52);
    expect(fmtDate(t, { lang: 'vi', timeZone: 'Asia/Ho_Chi_Minh' })).toBe('27/11/2026 00:03:52');
    expect(fmtDate(t, { lang: 'en', timeZone: 'UTC' })).toBe('2026-11-26 17:03:52');
  });
});

const T0 = Date.UTC(2026, 10, 26, 2, 0, 0); // 09:00 in Hanoi

function alarm(over: Partial<Alarm> = {}): Alarm {
  return {
    id: 'AL-42',
    sensorId: 's1',
    kind: 'unlicensed-emitter',
    severity: 'major',
    state: 'cleared',
    raisedMs: T0 + 120_000,
    updatedMs: T0 + 300_000,
    clearedMs: T0 + 300_000,
    centerHz: 433_925_000,
    bandwidthHz: 12_500,
    levelDbfs: -35.25,
    assignmentId: null,
    className: 'nfm',
    confidence: 0.87,
    detail: { riseDb: 12.5 },
    acks: [{ by: 'trực ban A', atMs: T0 + 180_000, comment: 'Đã cử đội <kiểm tra>' }],
    escalated: true,
    occurrences: 3,
    evidenceId: 'ev-1',
    ...over,
  };
}

describe('incident report', () => {
  it('states the facts in Vietnamese with a waterfall from history and the evidence link', async () => {
    const h = new SpectrumHistory({ dir: tmp() });
    for (let i = 0; i < 600; i++) {
      const psd = new Float32Array(512).fill(-100);
      if (i >= 120 && i < 300) psd[256] = -35; // the emitter, at 433.925 MHz
      h.append({ sensorId: 's1', timeMs: T0 + i * 1000, startHz: 433_925_000 - 256 * 1000, binHz: 1000, psdDbfs: psd });
    }
    h.close();
    const html = await incidentReportHtml({
      alarm: alarm(),
      lang: 'vi',
      history: h,
      generatedMs: T0 + 3_600_000,
      evidence: {
        id: 'ev-1',
        sensorId: 's1',
        metaPath: '/data/evidence/ev-1.sigmf-meta',
        startMs: T0 + 110_000,
        endMs: T0 + 130_000,
        sampleRateHz: 2.4e6,
        centerHz: 433.92e6,
        bytes: 1,
        reason: 'evidence',
        alarmId: 'AL-42',
      },
    });
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('Báo cáo sự cố can nhiễu');
    expect(html).toContain('Phát xạ không phép');
    expect(html).toContain('433,9250 MHz');
    expect(html).toContain('Điều tần băng hẹp (NFM)'); // the emission class by its Vietnamese name, not 'nfm'
    expect(html).toContain('12,5 kHz');
    expect(html).toContain('-35,3 dBFS');
    expect(html).toContain('26/11/2026 09:02:00'); // raised, Hanoi time
    expect(html).toContain('3 phút 00 giây'); // duration
    expect(html).toContain('Đã cử đội &lt;kiểm tra&gt;'); // escaped comment
    expect(html).toContain('href="file:///data/evidence/ev-1.sigmf-meta"');
    const m = /data:image\/png;base64,([A-Za-z0-9+/=]+)/.exec(html);
    expect(m).not.toBeNull();
    const img = decodePng(Buffer.from(m![1]!, 'base64'));
    expect(img.width).toBe(600);
    // The emitter column (centre) is hot during the event rows and cold outside.
    const px = (x: number, y: number) => img.rgb[(y * img.width + x) * 3]!;
    const midEventY =
      img.height - 1 - Math.floor(((T0 + 200_000 - (T0 - 180_000)) / (600_000 + 180_000 - 0 + 0)) * img.height);
    expect(px(300, midEventY)).toBeGreaterThan(200);
    expect(px(100, midEventY)).toBeLessThan(60);
  });

  it('works in English without history or evidence', async () => {
    const html = await incidentReportHtml({
      alarm: alarm({ acks: [], centerHz: null, kind: 'sensor-fault', state: 'active', clearedMs: undefined }),
      lang: 'en',
    });
    expect(html).toContain('Sensor fault');
    expect(html).toContain('Not acknowledged');
    expect(html).toContain('No spectrum history stored');
    expect(html).toContain('No evidence recording');
  });
});

describe('periodic report', () => {
  it('computes occupancy, alarms, uptime/loss and noise floor from the embedded store, with settings stated', async () => {
    const store = await EmbeddedStore.create({ dir: tmp(), now: () => T0 });
    const period = resolvePeriod({ kind: 'daily', date: '2026-11-26' }, 'Asia/Ho_Chi_Minh');
    expect(period.fromMs).toBe(Date.UTC(2026, 10, 25, 17, 0, 0));
    const base = {
      sensorId: 's1',
      assignmentId: 'ch1',
      thresholdMethod: 'noise+6dB',
      rbwHz: 1000,
      thresholdDbfs: -94,
      revisits: 60,
      occupiedRevisits: 0,
    };
    await store.writePoints([
      channelPoint({ ...base, timeMs: T0, channelPowerDbfs: -60, occupancyPct: 10, integrationS: 60 }),
      channelPoint({ ...base, timeMs: T0 + 60_000, channelPowerDbfs: -50, occupancyPct: 40, integrationS: 180 }),
      channelPoint({
        ...base,
        timeMs: Date.UTC(2026, 10, 25, 16, 0, 0),
        channelPowerDbfs: 0,
        occupancyPct: 100,
        integrationS: 60,
      }), // before the period
    ]);
    const st = (state: SensorStatus['state'], samples: number, lost: number): SensorStatus => ({
      id: 's1',
      name: 's1',
      kind: 'virtual',
      mode: 'dwell',
      state,
      centerHz: 433e6,
      sampleRateHz: 2.4e6,
      samplesReceived: samples,
      samplesLost: lost,
      lastDataMs: T0,
      description: '',
    });
    await store.writePoints([
      sensorHealthPoint(st('running', 1000, 0), T0),
      sensorHealthPoint(st('running', 3000, 10), T0 + 1000),
      sensorHealthPoint(st('stalled', 3000, 10), T0 + 2000),
      sensorHealthPoint(st('running', 500, 5), T0 + 3000), // restart: counters reset
    ]);
    await store.writePoints([
      noiseFloorPoint({
        sensorId: 's1',
        band: 'uhf-433',
        timeMs: T0,
        startHz: 430e6,
        stopHz: 440e6,
        floorDbfs: -100,
        rbwHz: 1000,
        method: 'median',
      }),
      noiseFloorPoint({
        sensorId: 's1',
        band: 'uhf-433',
        timeMs: T0 + 1,
        startHz: 430e6,
        stopHz: 440e6,
        floorDbfs: -90,
        rbwHz: 1000,
        method: 'median',
      }),
    ]);
    const alarms = [alarm(), alarm({ id: 'AL-43', acks: [] }), alarm({ id: 'old', raisedMs: T0 - 86_400_000 })];
    const f = await computePeriodicFigures({ store, alarms, period });
    expect(f.occupancy).toHaveLength(1);
    expect(f.occupancy[0]!.occupancyPct).toBeCloseTo((10 * 60 + 40 * 180) / 240, 9);
    expect(f.occupancy[0]!.meanChannelPowerDbfs).toBeCloseTo(10 * Math.log10((1e-6 + 1e-5) / 2), 9);
    expect(f.occupancy[0]!.maxChannelPowerDbfs).toBe(-50);
    expect(f.alarms).toEqual([
      { sensorId: 's1', kind: 'unlicensed-emitter', count: 2, acknowledged: 1, meanAckMs: 60_000 },
    ]);
    expect(f.uptime[0]).toMatchObject({ uptimePct: 75, samples: 2500, lost: 15, healthPoints: 4 });
    expect(f.uptime[0]!.lossPct).toBeCloseTo((100 * 15) / 2515, 9);
    expect(f.noise[0]!.meanDbfs).toBeCloseTo(10 * Math.log10((1e-10 + 1e-9) / 2), 9);

    const html = periodicReportHtml(f, { lang: 'vi', generatedMs: T0 });
    expect(html).toContain('Báo cáo định kỳ giám sát tần số');
    expect(html).toContain('Mức độ chiếm dụng kênh (ITU-R SM.1880)');
    expect(html).toContain('noise+6dB');
    expect(html).toContain('32,5'); // occupancy %
    expect(html).toContain('26/11/2026 00:00:00 – 26/11/2026 23:59:59 (UTC+07:00)');
    const csv = periodicReportCsv(f, { lang: 'vi' });
    const rows = csv
      .trim()
      .split('\r\n')
      .map((l) => l.split(';'));
    expect(rows[0]).toEqual(['muc', 'tram_thu', 'doi_tuong', 'chi_so', 'gia_tri', 'don_vi', 'thong_so_do']);
    const occ = rows.find((r) => r[0] === 'occupancy' && r[3] === 'occupancy_mean')!;
    expect(occ.slice(1, 6)).toEqual(['s1', 'ch1', 'occupancy_mean', '32,50', '%']);
    expect(occ[6]).toContain('integration=120 s');
    const en = periodicReportCsv(f, { lang: 'en' }).split('\r\n');
    expect(en.find((l) => l.startsWith('uptime,s1,,loss,'))).toBe('uptime,s1,,loss,0.5964,%,');
    await store.close();
  });
});

describe('report periods', () => {
  it('resolves a plan phase and rejects a missing one or a bad date', () => {
    const plan = {
      name: 'Đại hội',
      assignments: [],
      phases: [{ phase: 'during' as const, fromMs: T0, toMs: T0 + 3_600_000 }],
    };
    expect(resolvePeriod({ kind: 'phase', plan, phase: 'during' })).toEqual({
      kind: 'phase',
      fromMs: T0,
      toMs: T0 + 3_600_000,
      label: 'during',
    });
    expect(() => resolvePeriod({ kind: 'phase', plan, phase: 'after' })).toThrow(/no phase 'after'/);
    expect(() => resolvePeriod({ kind: 'daily', date: '2026/11/26' })).toThrow(/YYYY-MM-DD/);
    expect(resolvePeriod({ kind: 'daily', date: '2026-11-26' }, 'UTC')).toMatchObject({
      fromMs: Date.UTC(2026, 10, 26),
      toMs: Date.UTC(2026, 10, 27) - 1,
    });
  });
});
