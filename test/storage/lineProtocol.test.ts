import { describe, expect, it } from 'vitest';
import { formatPoint, parseLine } from '../../src/storage/lineProtocol.ts';
import { alarmFromPoint, alarmPoint, emissionPoint, INTEGER_FIELDS } from '../../src/storage/schema.ts';
import type { Alarm, Point, TrackedEmission } from '../../src/types.ts';

describe('line protocol', () => {
  it('escapes tags, field keys and string fields, marks ints with i, uses ms timestamps', () => {
    const p: Point = {
      measurement: 'my meas,x',
      tags: { 'se nsor': 'a=b,c d', empty: '' },
      fields: { s: 'say "hi" \\ there', n: 3, f: 1.5, b: true, bad: NaN },
      timeMs: 1795662062226,
    };
    const line = formatPoint(p, new Set(['n']));
    expect(line).toBe(
      'my\\ meas\\,x,se\\ nsor=a\\=b\\,c\\ d s="say \\"hi\\" \\\\ there",n=3i,f=1.5,b=true 1795662062226',
    );
    const back = parseLine(line);
    expect(back).toEqual({
      measurement: 'my meas,x',
      tags: { 'se nsor': 'a=b,c d' },
      fields: { s: 'say "hi" \\ there', n: 3, f: 1.5, b: true },
      timeMs: 1795662062226,
    });
  });

  it('keeps a lone backslash in names literal, as InfluxDB 1.x does', () => {
    const p: Point = { measurement: 'm\\x', tags: { path: 'C:\\dir' }, fields: { s: 'a\\b' }, timeMs: 5 };
    const line = formatPoint(p);
    expect(line).toBe('m\\x,path=C:\\dir s="a\\\\b" 5');
    expect(parseLine(line)).toEqual(p);
  });

  it('rejects points that cannot be stored, naming the field', () => {
    expect(() => formatPoint({ measurement: 'm', tags: {}, fields: { x: NaN }, timeMs: 1 })).toThrow(
      /no storable field/,
    );
    expect(() => formatPoint({ measurement: 'm', tags: {}, fields: { x: 1 }, timeMs: NaN })).toThrow(/timeMs/);
    expect(() => formatPoint({ measurement: 'm', tags: { t: 'a\nb' }, fields: { x: 1 }, timeMs: 1 })).toThrow(
      /newline/,
    );
  });

  it('reports malformed lines with line number', () => {
    try {
      parseLine('m,t=1 x="open 5', { file: 'f.lp', line: 7 });
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('BW_ERR_STORAGE_LINE');
      expect((e as Error).message).toMatch(/f\.lp:7.*unterminated/);
    }
    expect(() => parseLine('m x=zz 1')).toThrow(/invalid value 'zz'/);
    expect(() => parseLine('m x=1')).toThrow(/timestamp/);
  });

  it('schema helpers keep integer fields integer and alarms round-trip through a point', () => {
    const e: TrackedEmission = {
      id: 'e1',
      sensorId: 's1',
      firstSeenMs: 1000,
      lastSeenMs: 4500,
      centerHz: 433.92e6,
      bandwidthHz: 12.5e3,
      peakDbfs: -40,
      channelPowerDbfs: -45,
      snrDb: 30,
      className: 'nfm',
      confidence: 0.9,
      assignmentId: null,
      bursts: 3,
    };
    const ep = emissionPoint(e);
    expect(ep.tags).toMatchObject({ sensor: 's1', assignment: 'none', class: 'nfm' });
    expect(ep.fields.durationS).toBeCloseTo(3.5);
    expect(formatPoint(ep, INTEGER_FIELDS.emission)).toContain('bursts=3i');
    const a: Alarm = {
      id: 'A-1',
      sensorId: 's1',
      kind: 'jamming',
      severity: 'critical',
      state: 'active',
      raisedMs: 5000,
      updatedMs: 6000,
      centerHz: 433e6,
      bandwidthHz: 2e6,
      levelDbfs: -20,
      assignmentId: 'ch1',
      detail: { type: 'barrage', riseDb: 12 },
      acks: [{ by: 'op', atMs: 5500, comment: 'seen, calling team' }],
      escalated: false,
      occurrences: 2,
      evidenceId: 'ev-1',
    };
    const line = formatPoint(alarmPoint(a), INTEGER_FIELDS.alarm);
    expect(alarmFromPoint(parseLine(line))).toEqual(a);
  });
});
