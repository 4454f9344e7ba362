import { describe, expect, it, afterEach } from 'vitest';
import { parseSigmfMeta, DATATYPE_RE } from '../../src/recording/sigmfMeta.ts';
import { openRecording } from '../../src/recording/sigmfReader.ts';
import { tempDirs, writeRecording } from './helpers.ts';

const tmp = tempDirs();
afterEach(tmp.cleanup);

const good = () => ({
  global: { 'core:datatype': 'cu8', 'core:version': '1.2.0', 'core:sample_rate': 1000 },
  captures: [
    { 'core:sample_start': 0, 'core:frequency': 1e8 },
    { 'core:sample_start': 10, 'core:frequency': 2e8 },
  ],
  annotations: [
    { 'core:sample_start': 1, 'core:sample_count': 2, 'core:freq_lower_edge': 1, 'core:freq_upper_edge': 2 },
    { 'core:sample_start': 5, 'core:sample_count': 5 },
  ],
});

type Doc = ReturnType<typeof good> & Record<string, unknown>;
function expectError(mut: (d: Doc) => void, code: string, field: string | undefined, msg?: RegExp): void {
  const d = good() as Doc;
  mut(d);
  try {
    parseSigmfMeta(JSON.stringify(d), 'x.sigmf-meta');
    expect.unreachable('should have thrown');
  } catch (e) {
    const err = e as { code: string; location?: { field?: string; file?: string }; message: string };
    expect(err.code).toBe(code);
    expect(err.location?.field).toBe(field);
    expect(err.location?.file).toBe('x.sigmf-meta');
    if (msg) expect(err.message).toMatch(msg);
  }
}

describe('SigMF metadata validation', () => {
  it('accepts a valid document', () => {
    expect(parseSigmfMeta(JSON.stringify(good())).format).toBe('cu8');
  });

  it('rejects bad JSON with an offset', () => {
    try {
      parseSigmfMeta('{"global": {', 'bad.sigmf-meta');
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('BW_ERR_SIGMF_META_JSON');
    }
  });

  it('requires global, captures and annotations', () => {
    expectError((d) => delete (d as Partial<Doc>).global, 'BW_ERR_SIGMF_MISSING_FIELD', 'global');
    expectError((d) => delete (d as Partial<Doc>).captures, 'BW_ERR_SIGMF_MISSING_FIELD', 'captures');
    expectError((d) => delete (d as Partial<Doc>).annotations, 'BW_ERR_SIGMF_MISSING_FIELD', 'annotations');
    expectError((d) => ((d as Record<string, unknown>).captures = {}), 'BW_ERR_SIGMF_BAD_FIELD', 'captures');
  });

  it('requires core:datatype and core:version (X.Y.Z)', () => {
    expectError(
      (d) => delete (d.global as Record<string, unknown>)['core:datatype'],
      'BW_ERR_SIGMF_MISSING_FIELD',
      'global.core:datatype',
    );
    expectError(
      (d) => delete (d.global as Record<string, unknown>)['core:version'],
      'BW_ERR_SIGMF_MISSING_FIELD',
      'global.core:version',
    );
    expectError((d) => (d.global['core:version'] = '1.2'), 'BW_ERR_SIGMF_BAD_FIELD', 'global.core:version');
  });

  it('checks the datatype against the ABNF, then against what we support', () => {
    for (const ok of ['cu8', 'ci8', 'ri16_le', 'cf32_be', 'cf64_le', 'ru32_le'])
      expect(DATATYPE_RE.test(ok)).toBe(true);
    for (const bad of ['cu8_le', 'ci16', 'xf32_le', 'cf32_xx', 'cf16_le', 'CU8'])
      expect(DATATYPE_RE.test(bad)).toBe(false);
    expectError(
      (d) => (d.global['core:datatype'] = 'cu8_le'),
      'BW_ERR_SIGMF_DATATYPE_UNKNOWN',
      'global.core:datatype',
      /'cu8_le'/,
    );
    expectError((d) => (d.global['core:datatype'] = 'ci16'), 'BW_ERR_SIGMF_DATATYPE_UNKNOWN', 'global.core:datatype');
    expectError(
      (d) => (d.global['core:datatype'] = 'cf64_le'),
      'BW_ERR_SIGMF_DATATYPE_UNSUPPORTED',
      'global.core:datatype',
    );
  });

  it('requires sample_start and sorted captures and annotations', () => {
    expectError(
      (d) => delete (d.captures[1] as Record<string, unknown>)['core:sample_start'],
      'BW_ERR_SIGMF_MISSING_FIELD',
      'captures[1].core:sample_start',
    );
    expectError(
      (d) => (d.captures[1]!['core:sample_start'] = 0),
      'BW_ERR_SIGMF_UNSORTED',
      'captures[1].core:sample_start',
    );
    expectError(
      (d) => (d.captures[0]!['core:sample_start'] = -1),
      'BW_ERR_SIGMF_BAD_FIELD',
      'captures[0].core:sample_start',
    );
    expectError(
      (d) => (d.annotations[1]!['core:sample_start'] = 0),
      'BW_ERR_SIGMF_UNSORTED',
      'annotations[1].core:sample_start',
    );
    expectError(
      (d) => delete (d.annotations[0] as Record<string, unknown>)['core:sample_start'],
      'BW_ERR_SIGMF_MISSING_FIELD',
      'annotations[0].core:sample_start',
    );
    expectError(
      (d) => ((d.captures[0] as Record<string, unknown>)['core:datetime'] = 'yesterday'),
      'BW_ERR_SIGMF_BAD_FIELD',
      'captures[0].core:datetime',
    );
  });

  it('requires frequency edges as a pair, lower ≤ upper', () => {
    expectError(
      (d) => delete (d.annotations[0] as Record<string, unknown>)['core:freq_upper_edge'],
      'BW_ERR_SIGMF_EDGE_PAIR',
      'annotations[0].core:freq_upper_edge',
    );
    expectError(
      (d) => delete (d.annotations[0] as Record<string, unknown>)['core:freq_lower_edge'],
      'BW_ERR_SIGMF_EDGE_PAIR',
      'annotations[0].core:freq_lower_edge',
    );
    expectError(
      (d) => (d.annotations[0]!['core:freq_lower_edge'] = 5),
      'BW_ERR_SIGMF_BAD_FIELD',
      'annotations[0].core:freq_lower_edge',
    );
  });

  it('warns (does not fail) on labels longer than 20 characters', () => {
    const d = good() as Doc;
    (d.annotations[0] as Record<string, unknown>)['core:label'] = 'x'.repeat(25);
    expect(parseSigmfMeta(JSON.stringify(d)).warnings[0]).toMatch(/annotations\[0\]\.core:label is 25/);
  });
});

describe('SigMF metadata against the data file', () => {
  const check = async (meta: unknown, dataBytes: number, code: string, field?: string) => {
    const p = writeRecording(tmp.make(), 'r', meta, new Uint8Array(dataBytes));
    const err = (await openRecording(p).then(
      () => null,
      (e: unknown) => e,
    )) as { code: string; location: { field?: string; file?: string; offset?: number } } | null;
    expect(err?.code).toBe(code);
    if (field) expect(err!.location.field).toBe(field);
    return err!;
  };

  it('reads a consistent recording', async () => {
    const rec = await openRecording(writeRecording(tmp.make(), 'r', good(), new Uint8Array(40)));
    expect(rec.totalSamples).toBe(20);
  });

  it('rejects a data size that is not whole samples (truncated), naming the byte', async () => {
    const e = await check(good(), 41, 'BW_ERR_SIGMF_DATA_SIZE');
    expect(e.location.offset).toBe(40);
    expect(e.location.file).toMatch(/r\.sigmf-data$/);
  });

  it('rejects captures and annotations beyond the end of the data', async () => {
    await check(good(), 16, 'BW_ERR_SIGMF_META_DATA_MISMATCH', 'captures[1].core:sample_start');
    const m = good();
    m.annotations[1]!['core:sample_count'] = 50;
    await check(m, 40, 'BW_ERR_SIGMF_META_DATA_MISMATCH', 'annotations[1].core:sample_count');
  });

  it('rejects data shorter than the declared sample count, a missing data file and a missing sample rate', async () => {
    const m = good() as Doc;
    (m.global as Record<string, unknown>)['bandwatch:sample_count'] = 30;
    await check(m, 40, 'BW_ERR_SIGMF_TRUNCATED', 'global.bandwatch:sample_count');
    const dir = tmp.make();
    const p = writeRecording(dir, 'nodata', good(), new Uint8Array(0));
    (await import('node:fs')).unlinkSync(p.replace('-meta', '-data'));
    await expect(openRecording(p)).rejects.toMatchObject({ code: 'BW_ERR_SIGMF_DATA_MISSING' });
    const noRate = good() as Doc;
    delete (noRate.global as Record<string, unknown>)['core:sample_rate'];
    await check(noRate, 40, 'BW_ERR_SIGMF_MISSING_FIELD', 'global.core:sample_rate');
  });
});
