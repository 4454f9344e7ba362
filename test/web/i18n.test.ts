import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatDateTime,
  formatDbfs,
  formatHz,
  formatMHz,
  formatNumber,
  loadLang,
  MESSAGES,
  setLang,
  t,
} from '../../web/src/i18n.ts';

describe('i18n', () => {
  it('defaults to Vietnamese and persists the choice', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    expect(loadLang(storage)).toBe('vi');
    setLang('en', storage);
    expect(store.get('bw.lang')).toBe('en');
    expect(loadLang(storage)).toBe('en');
    expect(t('alarms')).toBe('Alarms');
    setLang('vi', storage);
    expect(t('alarms')).toBe('Cảnh báo');
  });

  it('uses the glossary terms exactly', () => {
    const glossary = readFileSync(join(import.meta.dirname, '../fixtures/vi-glossary.md'), 'utf8');
    const vi = MESSAGES.vi;
    const pairs: [keyof typeof vi, string][] = [
      ['spectrumTrace', 'đường phổ'],
      ['alarm', 'cảnh báo'],
      ['acknowledge', 'xác nhận'],
      ['cleared', 'đã kết thúc'],
      ['sensor', 'trạm thu'],
      ['plan', 'kế hoạch tần số'],
      ['assignment', 'ấn định tần số'],
      ['mode.sweep', 'quét'],
      ['mode.dwell', 'thu cố định'],
      ['sampleLoss', 'mất mẫu'],
      ['centreFrequency', 'tần số trung tâm'],
      ['occupiedBandwidth', 'độ rộng băng tần chiếm dụng'],
      ['signalLevel', 'mức tín hiệu'],
      ['noiseFloor', 'mức nền nhiễu'],
      ['emission', 'phát xạ'],
      ['kind.unlicensed-emitter', 'phát xạ không phép'],
      ['kind.out-of-mask', 'phát xạ vượt mặt nạ phổ'],
      ['kind.over-power', 'vượt mức công suất cho phép'],
      ['kind.interference', 'can nhiễu trên kênh được cấp phép'],
      ['kind.jamming', 'gây nhiễu'],
      ['kind.sensor-fault', 'lỗi trạm thu'],
      ['evidence', 'bằng chứng'],
      ['recording', 'bản ghi'],
      ['login', 'đăng nhập'],
      ['logout', 'đăng xuất'],
      ['settings', 'cài đặt'],
      ['role.viewer', 'người xem'],
      ['role.operator', 'người vận hành'],
      ['role.admin', 'quản trị viên'],
      ['emissionDesignator', 'ký hiệu loại phát xạ'],
      ['appTitle', 'giám sát tần số'],
    ];
    for (const [key, term] of pairs) {
      expect(glossary.toLowerCase(), `glossary has ${term}`).toContain(term);
      expect(vi[key].toLowerCase(), key).toBe(term);
    }
    expect(vi.waterfall).toBe('Biểu đồ thác nước (waterfall)');
  });

  it('every English label has a Vietnamese one and vice versa, none empty', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual(Object.keys(MESSAGES.vi).sort());
    for (const l of ['vi', 'en'] as const)
      for (const v of Object.values(MESSAGES[l])) expect(v.length).toBeGreaterThan(0);
  });

  it('formats numbers with a decimal comma in Vietnamese and keeps units', () => {
    expect(formatMHz(470.125e6, 3, 'vi')).toBe('470,125 MHz');
    expect(formatMHz(470.125e6, 3, 'en')).toBe('470.125 MHz');
    expect(formatNumber(1234567.5, 1, 'vi')).toBe('1.234.567,5');
    expect(formatNumber(1234567.5, 1, 'en')).toBe('1,234,567.5');
    expect(formatNumber(-42.25, 1, 'vi')).toBe('−42,3');
    expect(formatHz(12.5e3, 'vi')).toBe('12,5 kHz');
    expect(formatHz(2.4e6, 'vi')).toBe('2,4 MHz');
    expect(formatHz(850, 'vi')).toBe('850 Hz');
    expect(formatDbfs(-45, 'vi')).toBe('−45,0 dBFS');
    expect(formatDbfs(null, 'vi')).toBe('—');
  });

  it('formats dates dd/mm/yyyy HH:mm:ss in Vietnamese', () => {
    const ms = new Date(2026, 10, 5, 9, 7, 3).getTime();
    expect(formatDateTime(ms, 'vi')).toBe('05/11/2026 09:07:03');
    expect(formatDateTime(ms, 'en')).toBe('2026-11-05 09:07:03');
  });
});
