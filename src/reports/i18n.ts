/**
 * Report language: labels in Vietnamese and English (terms from the Vietnamese radio-regulation vocabulary,
 * see shared vi-glossary), number formatting (vi: decimal comma, '.' grouping) and dates
 * (vi: dd/mm/yyyy HH:mm:ss; en: yyyy-mm-dd HH:mm:ss), in a stated time zone (default Asia/Ho_Chi_Minh, UTC+7).
 */
import type { AlarmKind, AlarmSeverity } from '../types.ts';
import type { EmissionClass } from '../types.ts';

export type Lang = 'vi' | 'en';

export interface Locale {
  lang: Lang;
  timeZone: string;
}

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const numberFormats = new Map<string, Intl.NumberFormat>();

/** Formats a number with `digits` decimals: vi "470,125", en "470.125". NaN/null → "—". */
export function fmtNum(v: number | null | undefined, lang: Lang, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const key = `${lang}:${digits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      useGrouping: true,
    });
    numberFormats.set(key, f);
  }
  // Intl writes a proper minus sign in some locales; keep ASCII '-' so CSV stays machine readable.
  return f.format(v).replace('\u2212', '-');
}

/** Frequency in MHz with enough decimals for a 1 kHz grid, e.g. "470,125 MHz". */
export function fmtMHz(hz: number | null | undefined, lang: Lang, digits = 4): string {
  return hz === null || hz === undefined ? '—' : `${fmtNum(hz / 1e6, lang, digits)} MHz`;
}

/** Bandwidth in kHz. */
export function fmtKHz(hz: number | null | undefined, lang: Lang, digits = 1): string {
  return hz === null || hz === undefined ? '—' : `${fmtNum(hz / 1e3, lang, digits)} kHz`;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function parts(ms: number, timeZone: string): Record<string, string> {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(timeZone, f);
  }
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) out[p.type] = p.value;
  return out;
}

/** vi: "26/11/2026 19:03:52"; en: "2026-11-26 19:03:52" (in the locale's time zone). */
export function fmtDate(ms: number | null | undefined, loc: Locale): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const p = parts(ms, loc.timeZone);
  const time = `${p.hour}:${p.minute}:${p.second}`;
  return loc.lang === 'vi' ? `${p.day}/${p.month}/${p.year} ${time}` : `${p.year}-${p.month}-${p.day} ${time}`;
}

/** Offset of a time zone from UTC at a time, ms (e.g. +25 200 000 for UTC+7). */
export function tzOffsetMs(timeZone: string, atMs: number): number {
  const p = parts(atMs, timeZone);
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return asUtc - Math.floor(atMs / 1000) * 1000;
}

/** "UTC+07:00". */
export function tzLabel(timeZone: string, atMs: number): string {
  const off = tzOffsetMs(timeZone, atMs) / 60_000;
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** Duration "1 h 02 min 05 s" / "1 giờ 02 phút 05 giây". */
export function fmtDuration(ms: number | null, lang: Lang): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const [H, M, S] = lang === 'vi' ? ['giờ', 'phút', 'giây'] : ['h', 'min', 's'];
  if (h) return `${h} ${H} ${String(m).padStart(2, '0')} ${M} ${String(sec).padStart(2, '0')} ${S}`;
  if (m) return `${m} ${M} ${String(sec).padStart(2, '0')} ${S}`;
  return `${sec} ${S}`;
}

export const KIND_LABEL: Record<AlarmKind, Record<Lang, string>> = {
  'unlicensed-emitter': { en: 'Unlicensed emitter', vi: 'Phát xạ không phép' },
  'out-of-mask': { en: 'Out-of-mask emission', vi: 'Phát xạ vượt mặt nạ phổ' },
  'over-power': { en: 'Over-power', vi: 'Vượt mức công suất cho phép' },
  interference: { en: 'Interference in a licensed channel', vi: 'Can nhiễu trên kênh được cấp phép' },
  jamming: { en: 'Jamming', vi: 'Gây nhiễu' },
  'sensor-fault': { en: 'Sensor fault', vi: 'Lỗi trạm thu' },
};

export const SEVERITY_LABEL: Record<AlarmSeverity, Record<Lang, string>> = {
  critical: { en: 'Critical', vi: 'Nghiêm trọng' },
  major: { en: 'Major', vi: 'Quan trọng' },
  minor: { en: 'Minor', vi: 'Thứ yếu' },
  warning: { en: 'Warning', vi: 'Lưu ý' },
};

/** Names of the emission classes (src/types.ts EMISSION_CLASSES). */
export const CLASS_LABEL: Record<EmissionClass, Record<Lang, string>> = {
  nfm: { en: 'Narrowband FM', vi: 'Điều tần băng hẹp (NFM)' },
  wfm: { en: 'Wideband FM (broadcast)', vi: 'Điều tần băng rộng (WFM, phát thanh FM)' },
  am: { en: 'AM', vi: 'Điều biên (AM)' },
  cw: { en: 'Unmodulated carrier (CW)', vi: 'Sóng mang không điều chế (CW)' },
  fsk4: { en: '4FSK digital (DMR/dPMR)', vi: 'Điều chế số 4FSK (DMR/dPMR)' },
  ofdm: { en: 'OFDM digital', vi: 'Điều chế số OFDM' },
  mic: { en: 'Wireless microphone', vi: 'Micro không dây' },
  'jam-barrage': { en: 'Barrage jammer', vi: 'Thiết bị gây nhiễu dải rộng' },
  'jam-cw': { en: 'CW jammer', vi: 'Thiết bị gây nhiễu sóng mang (CW)' },
  'jam-sweep': { en: 'Sweep jammer', vi: 'Thiết bị gây nhiễu quét tần' },
  'jam-pulse': { en: 'Pulse jammer', vi: 'Thiết bị gây nhiễu xung' },
  unknown: { en: 'Unclassified', vi: 'Chưa xác định' },
  ook: {
    en: 'On-off keyed telemetry (OOK/ASK, short-range devices)',
    vi: 'Khóa đóng-mở sóng mang (OOK/ASK, thiết bị cự ly ngắn)',
  },
  tdma: { en: 'TDMA/TDD bursts (DMR, TETRA, GSM, TD-LTE)', vi: 'Cụm phát TDMA/TDD (DMR, TETRA, GSM, LTE TDD)' },
  'pulse-pos': { en: 'Pulse-position replies (SSR, Mode S)', vi: 'Xung trả lời điều chế vị trí xung (SSR, Mode S)' },
};

/** Every fixed text of the reports, both languages. */
export const T = {
  incidentTitle: { en: 'Incident report', vi: 'Báo cáo sự cố can nhiễu' },
  periodicTitle: { en: 'Periodic monitoring report', vi: 'Báo cáo định kỳ giám sát tần số' },
  customTitle: { en: 'Ad-hoc monitoring report', vi: 'Báo cáo đột xuất giám sát tần số' },
  alarm: { en: 'Alarm', vi: 'Cảnh báo' },
  kind: { en: 'Kind', vi: 'Loại cảnh báo' },
  severity: { en: 'Severity', vi: 'Mức độ' },
  state: { en: 'State', vi: 'Trạng thái' },
  active: { en: 'Active', vi: 'Đang diễn ra' },
  cleared: { en: 'Cleared', vi: 'Đã kết thúc' },
  sensor: { en: 'Sensor', vi: 'Trạm thu' },
  raised: { en: 'Raised', vi: 'Thời điểm phát hiện' },
  clearedAt: { en: 'Cleared at', vi: 'Thời điểm kết thúc' },
  duration: { en: 'Duration', vi: 'Thời gian kéo dài' },
  centerFrequency: { en: 'Centre frequency', vi: 'Tần số trung tâm' },
  bandwidth: { en: 'Occupied bandwidth', vi: 'Độ rộng băng tần chiếm dụng' },
  level: { en: 'Signal level', vi: 'Mức tín hiệu' },
  emissionClass: { en: 'Emission class', vi: 'Loại phát xạ' },
  confidence: { en: 'Classifier confidence', vi: 'Độ tin cậy phân loại' },
  assignment: { en: 'Frequency assignment', vi: 'Ấn định tần số' },
  none: { en: 'none', vi: 'không có' },
  occurrences: { en: 'Occurrences', vi: 'Số lần lặp lại' },
  escalated: { en: 'Escalated', vi: 'Đã báo cáo cấp trên' },
  yes: { en: 'yes', vi: 'có' },
  no: { en: 'no', vi: 'không' },
  details: { en: 'Details', vi: 'Chi tiết' },
  ackTrail: { en: 'Acknowledgement trail', vi: 'Lịch sử xác nhận' },
  ackBy: { en: 'By', vi: 'Người xác nhận' },
  ackAt: { en: 'Time', vi: 'Thời điểm' },
  ackComment: { en: 'Comment', vi: 'Ghi chú' },
  notAcked: { en: 'Not acknowledged', vi: 'Chưa được xác nhận' },
  waterfall: { en: 'Waterfall around the event', vi: 'Biểu đồ thác nước (waterfall) quanh sự cố' },
  noHistory: {
    en: 'No spectrum history stored for this window.',
    vi: 'Không có dữ liệu phổ lưu trữ cho khoảng thời gian này.',
  },
  evidence: { en: 'Evidence recording', vi: 'Bản ghi bằng chứng' },
  noEvidence: { en: 'No evidence recording was captured.', vi: 'Không có bản ghi bằng chứng.' },
  settings: { en: 'Measurement settings', vi: 'Thông số đo' },
  generated: { en: 'Generated', vi: 'Thời điểm lập báo cáo' },
  period: { en: 'Period', vi: 'Khoảng thời gian' },
  timeZone: { en: 'Times in', vi: 'Thời gian theo' },
  occupancy: { en: 'Channel occupancy (ITU-R SM.1880)', vi: 'Mức độ chiếm dụng kênh (ITU-R SM.1880)' },
  occupancyPct: { en: 'Occupancy %', vi: 'Mức độ chiếm dụng %' },
  occupancyMaxPct: { en: 'Max occupancy %', vi: 'Chiếm dụng lớn nhất %' },
  channelPower: { en: 'Mean channel power, dBFS', vi: 'Công suất kênh trung bình, dBFS' },
  channelPowerMax: { en: 'Max channel power, dBFS', vi: 'Công suất kênh lớn nhất, dBFS' },
  threshold: { en: 'Threshold', vi: 'Ngưỡng' },
  method: { en: 'Threshold method', vi: 'Phương pháp ngưỡng' },
  integration: { en: 'Integration time', vi: 'Thời gian tích lũy' },
  rbw: { en: 'RBW', vi: 'Độ phân giải (RBW)' },
  revisits: { en: 'Revisits', vi: 'Số lần quét lại' },
  alarmsByKind: { en: 'Alarms by kind', vi: 'Cảnh báo theo loại' },
  count: { en: 'Count', vi: 'Số lượng' },
  acknowledged: { en: 'Acknowledged', vi: 'Đã xác nhận' },
  meanAck: { en: 'Mean time to acknowledge', vi: 'Thời gian xác nhận trung bình' },
  uptime: { en: 'Sensor uptime and sample loss', vi: 'Thời gian hoạt động của trạm thu và mất mẫu' },
  uptimePct: { en: 'Uptime %', vi: 'Thời gian hoạt động %' },
  samples: { en: 'Samples received', vi: 'Số mẫu đã thu' },
  lost: { en: 'Samples lost', vi: 'Số mẫu bị mất' },
  lossPct: { en: 'Sample loss %', vi: 'Tỷ lệ mất mẫu %' },
  healthPoints: { en: 'Health samples', vi: 'Số lần ghi trạng thái' },
  noiseFloor: { en: 'Noise floor per band', vi: 'Mức nền nhiễu theo băng tần' },
  band: { en: 'Band', vi: 'Băng tần' },
  floorMean: { en: 'Mean, dBFS', vi: 'Trung bình, dBFS' },
  floorMin: { en: 'Min, dBFS', vi: 'Nhỏ nhất, dBFS' },
  floorMax: { en: 'Max, dBFS', vi: 'Lớn nhất, dBFS' },
  noData: { en: 'No data in this period.', vi: 'Không có dữ liệu trong khoảng thời gian này.' },
  adcOverload: { en: 'ADC overload', vi: 'Quá tải ADC' },
  adcOverloadReason: {
    en: 'sensor overloaded (gain too high or a strong signal nearby): its detections are unreliable',
    vi: 'trạm thu bị quá tải (độ khuếch đại quá cao hoặc có tín hiệu mạnh ở gần): kết quả phát hiện của trạm không đáng tin cậy',
  },
  adcOverloadAdvice: {
    en: 'Lower the gain (or move the antenna away from / filter out the strong signal)',
    vi: 'Hãy giảm độ khuếch đại (gain) (hoặc đặt ăng-ten xa nguồn tín hiệu mạnh / lọc bỏ tín hiệu đó)',
  },
  adcOverloadSamples: { en: 'of samples at the ADC limits', vi: 'số mẫu chạm giới hạn ADC' },
  levelNote: {
    en: 'Levels are dBFS: relative to the receiver’s ADC full scale, not calibrated field strength.',
    vi: 'Mức tính bằng dBFS: so với mức toàn thang của bộ ADC máy thu, không phải cường độ trường đã hiệu chuẩn.',
  },
} as const satisfies Record<string, Record<Lang, string>>;

export function t(key: keyof typeof T, lang: Lang): string {
  return T[key][lang];
}

/** HTML text escaping. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
