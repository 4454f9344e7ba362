/**
 * Vietnamese (default) and English labels, and number/date formatting. Vietnamese terms follow the regulator's
 * glossary (shared/reference/vi-glossary.md); units stay as they are (Hz, kHz, MHz, dBFS, dB); Vietnamese numbers
 * use a decimal comma (470,125 MHz) and dates dd/mm/yyyy HH:mm:ss.
 */
export type Lang = 'vi' | 'en';

const vi = {
  appTitle: 'Giám sát tần số',
  login: 'Đăng nhập',
  logout: 'Đăng xuất',
  username: 'Tên đăng nhập',
  password: 'Mật khẩu',
  loginFailed: 'Sai tên đăng nhập hoặc mật khẩu',
  rateLimited: 'Quá nhiều lần thử; hãy thử lại sau',
  waterfall: 'Biểu đồ thác nước (waterfall)',
  spectrumTrace: 'Đường phổ',
  spectrum: 'Phổ',
  sensors: 'Trạm thu',
  sensor: 'Trạm thu',
  alarms: 'Cảnh báo',
  alarm: 'Cảnh báo',
  plan: 'Kế hoạch tần số',
  assignment: 'Ấn định tần số',
  acknowledge: 'Xác nhận',
  acknowledged: 'Đã xác nhận',
  cleared: 'Đã kết thúc',
  active: 'Đang diễn ra',
  all: 'Tất cả',
  comment: 'Ghi chú',
  confirm: 'Đồng ý',
  cancel: 'Hủy',
  evidence: 'Bằng chứng',
  history: 'Lịch sử',
  live: 'Trực tiếp',
  historyUnavailable: 'Lịch sử không khả dụng',
  earlier: 'Trước đó',
  later: 'Sau đó',
  settings: 'Cài đặt',
  colormap: 'Bảng màu',
  autoLevels: 'Tự động mức',
  levelLow: 'Mức thấp',
  levelHigh: 'Mức cao',
  average: 'Trung bình',
  maxHold: 'Giữ cực đại',
  minHold: 'Giữ cực tiểu',
  resetZoom: 'Toàn dải',
  centreFrequency: 'Tần số trung tâm',
  frequency: 'Tần số',
  occupiedBandwidth: 'Độ rộng băng tần chiếm dụng',
  bandwidth: 'Độ rộng băng tần',
  signalLevel: 'Mức tín hiệu',
  noiseFloor: 'Mức nền nhiễu',
  snr: 'Tỷ số tín hiệu trên nhiễu (SNR)',
  emission: 'Phát xạ',
  emissionClass: 'Loại phát xạ',
  emissionDesignator: 'Ký hiệu loại phát xạ',
  licensee: 'Tổ chức, cá nhân được cấp phép',
  service: 'Nghiệp vụ',
  mode: 'Chế độ',
  state: 'Trạng thái',
  health: 'Tình trạng',
  sampleLoss: 'Mất mẫu',
  sampleRate: 'Tốc độ lấy mẫu',
  lastData: 'Dữ liệu cuối',
  adcOverload: 'Quá tải ADC',
  adcOverloadAdvice: 'Giảm độ khuếch đại (gain)',
  adcOverloadHint:
    'Trạm thu bị quá tải (độ khuếch đại quá cao hoặc có tín hiệu mạnh ở gần): kết quả phát hiện không đáng tin cậy. Hãy giảm độ khuếch đại (gain).',
  time: 'Thời gian',
  severity: 'Mức độ',
  kind: 'Loại cảnh báo',
  noAlarms: 'Không có cảnh báo',
  by: 'bởi',
  recording: 'Bản ghi',
  role: 'Vai trò',
  'role.viewer': 'Người xem',
  'role.operator': 'Người vận hành',
  'role.admin': 'Quản trị viên',
  'mode.dwell': 'Thu cố định',
  'mode.sweep': 'Quét',
  'kind.unlicensed-emitter': 'Phát xạ không phép',
  'kind.out-of-mask': 'Phát xạ vượt mặt nạ phổ',
  'kind.over-power': 'Vượt mức công suất cho phép',
  'kind.interference': 'Can nhiễu trên kênh được cấp phép',
  'kind.jamming': 'Gây nhiễu',
  'kind.sensor-fault': 'Lỗi trạm thu',
  'severity.critical': 'Nghiêm trọng',
  'severity.major': 'Cao',
  'severity.minor': 'Thấp',
  'severity.warning': 'Lưu ý',
  'band.idle': 'Không hoạt động',
  'band.active': 'Đang phát',
  'band.violated': 'Vi phạm',
  'sensorState.starting': 'Đang khởi động',
  'sensorState.running': 'Đang hoạt động',
  'sensorState.retuning': 'Đang điều hưởng',
  'sensorState.stalled': 'Ngừng dữ liệu',
  'sensorState.disconnected': 'Mất kết nối',
  'sensorState.stopped': 'Đã dừng',
  'sensorState.failed': 'Lỗi',
  connected: 'Đã kết nối',
  reconnecting: 'Đang kết nối lại…',
  dropped: 'khung bị bỏ',
  notAllowed: 'Vai trò của bạn không được phép',
  unlicensed: 'không phép',
  addNote: 'Thêm ghi chú',
  report: 'Báo cáo',
  incidentReport: 'Báo cáo sự cố',
  periodicReport: 'Báo cáo định kỳ',
  today: 'Hôm nay',
  eventPhase: 'Giai đoạn sự kiện',
  customRange: 'Tùy chọn',
  'phase.before': 'Trước sự kiện',
  'phase.during': 'Trong sự kiện',
  'phase.after': 'Sau sự kiện',
  from: 'Từ',
  to: 'Đến',
  format: 'Định dạng',
  language: 'Ngôn ngữ',
  open: 'Mở',
  close: 'Đóng',
  id: 'Mã',
  maxLevel: 'Mức tối đa',
  planEdit: 'Sửa kế hoạch tần số',
  planHistory: 'Lịch sử kế hoạch tần số',
  planName: 'Tên kế hoạch',
  planSource: 'Dán hoặc tải lên kế hoạch (JSON hoặc CSV)',
  loadFile: 'Tải tệp lên',
  parse: 'Đọc vào bảng',
  submitPlan: 'Áp dụng kế hoạch',
  addRow: 'Thêm dòng',
  removeRow: 'Xóa dòng',
  planAccepted: 'Kế hoạch tần số đã được áp dụng',
  planRejected: 'Kế hoạch tần số bị từ chối',
  readOnly: 'Chỉ xem (cần vai trò quản trị viên để sửa)',
  when: 'Thời điểm',
  who: 'Người thực hiện',
  assignments: 'Số ấn định tần số',
  recordings: 'Bản ghi',
  start: 'Bắt đầu',
  duration: 'Thời lượng',
  reason: 'Lý do',
  size: 'Dung lượng',
  'reason.manual': 'thủ công',
  'reason.evidence': 'bằng chứng',
  startRecording: 'Bắt đầu ghi',
  stopRecording: 'Dừng ghi',
  ongoing: 'đang ghi',
  noRecordings: 'Chưa có bản ghi',
  cannotRecord: 'Hệ thống giám sát không hỗ trợ ghi theo yêu cầu',
  // emission classes (src/types.ts EMISSION_CLASSES): key 'class.' + class
  'class.nfm': 'Điều tần băng hẹp (NFM)',
  'class.wfm': 'Điều tần băng rộng (WFM, phát thanh FM)',
  'class.am': 'Điều biên (AM)',
  'class.cw': 'Sóng mang không điều chế (CW)',
  'class.fsk4': 'Điều chế số 4FSK (DMR/dPMR)',
  'class.ofdm': 'Điều chế số OFDM',
  'class.mic': 'Micro không dây',
  'class.jam-barrage': 'Thiết bị gây nhiễu dải rộng',
  'class.jam-cw': 'Thiết bị gây nhiễu sóng mang (CW)',
  'class.jam-sweep': 'Thiết bị gây nhiễu quét tần',
  'class.jam-pulse': 'Thiết bị gây nhiễu xung',
  'class.unknown': 'Chưa xác định',
  'class.ook': 'Khóa đóng-mở sóng mang (OOK/ASK, thiết bị cự ly ngắn)',
  'class.tdma': 'Cụm phát TDMA/TDD (DMR, TETRA, GSM, LTE TDD)',
  'class.pulse-pos': 'Xung trả lời điều chế vị trí xung (SSR, Mode S)',
};

export type MessageKey = keyof typeof vi;

const en: Record<MessageKey, string> = {
  appTitle: 'Frequency monitoring',
  login: 'Log in',
  logout: 'Log out',
  username: 'User name',
  password: 'Password',
  loginFailed: 'Wrong user name or password',
  rateLimited: 'Too many attempts; try again later',
  waterfall: 'Waterfall',
  spectrumTrace: 'Spectrum trace',
  spectrum: 'Spectrum',
  sensors: 'Sensors',
  sensor: 'Sensor',
  alarms: 'Alarms',
  alarm: 'Alarm',
  plan: 'Frequency plan',
  assignment: 'Frequency assignment',
  acknowledge: 'Acknowledge',
  acknowledged: 'Acknowledged',
  cleared: 'Cleared',
  active: 'Active',
  all: 'All',
  comment: 'Comment',
  confirm: 'OK',
  cancel: 'Cancel',
  evidence: 'Evidence',
  history: 'History',
  live: 'Live',
  historyUnavailable: 'History unavailable',
  earlier: 'Earlier',
  later: 'Later',
  settings: 'Settings',
  colormap: 'Colour map',
  autoLevels: 'Auto levels',
  levelLow: 'Low level',
  levelHigh: 'High level',
  average: 'Average',
  maxHold: 'Max hold',
  minHold: 'Min hold',
  resetZoom: 'Full span',
  centreFrequency: 'Centre frequency',
  frequency: 'Frequency',
  occupiedBandwidth: 'Occupied bandwidth',
  bandwidth: 'Bandwidth',
  signalLevel: 'Signal level',
  noiseFloor: 'Noise floor',
  snr: 'Signal-to-noise ratio (SNR)',
  emission: 'Emission',
  emissionClass: 'Emission class',
  emissionDesignator: 'Emission designator',
  licensee: 'Licensee',
  service: 'Service',
  mode: 'Mode',
  state: 'State',
  health: 'Health',
  sampleLoss: 'Sample loss',
  sampleRate: 'Sample rate',
  lastData: 'Last data',
  adcOverload: 'ADC overload',
  adcOverloadAdvice: 'Lower the gain',
  adcOverloadHint:
    'Sensor overloaded (gain too high or a strong signal nearby): its detections are unreliable. Lower the gain.',
  time: 'Time',
  severity: 'Severity',
  kind: 'Alarm kind',
  noAlarms: 'No alarms',
  by: 'by',
  recording: 'Recording',
  role: 'Role',
  'role.viewer': 'Viewer',
  'role.operator': 'Operator',
  'role.admin': 'Administrator',
  'mode.dwell': 'Dwell',
  'mode.sweep': 'Sweep',
  'kind.unlicensed-emitter': 'Unlicensed emitter',
  'kind.out-of-mask': 'Out-of-mask emission',
  'kind.over-power': 'Over-power',
  'kind.interference': 'Interference in a licensed channel',
  'kind.jamming': 'Jamming',
  'kind.sensor-fault': 'Sensor fault',
  'severity.critical': 'Critical',
  'severity.major': 'Major',
  'severity.minor': 'Minor',
  'severity.warning': 'Warning',
  'band.idle': 'Idle',
  'band.active': 'Active',
  'band.violated': 'Violated',
  'sensorState.starting': 'Starting',
  'sensorState.running': 'Running',
  'sensorState.retuning': 'Retuning',
  'sensorState.stalled': 'Stalled',
  'sensorState.disconnected': 'Disconnected',
  'sensorState.stopped': 'Stopped',
  'sensorState.failed': 'Failed',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  dropped: 'frames dropped',
  notAllowed: 'Your role is not allowed to do this',
  unlicensed: 'unlicensed',
  addNote: 'Add note',
  report: 'Report',
  incidentReport: 'Incident report',
  periodicReport: 'Periodic report',
  today: 'Today',
  eventPhase: 'Event phase',
  customRange: 'Custom',
  'phase.before': 'Before the event',
  'phase.during': 'During the event',
  'phase.after': 'After the event',
  from: 'From',
  to: 'To',
  format: 'Format',
  language: 'Language',
  open: 'Open',
  close: 'Close',
  id: 'Id',
  maxLevel: 'Max level',
  planEdit: 'Edit frequency plan',
  planHistory: 'Plan history',
  planName: 'Plan name',
  planSource: 'Paste or upload a plan (JSON or CSV)',
  loadFile: 'Upload file',
  parse: 'Read into table',
  submitPlan: 'Apply plan',
  addRow: 'Add row',
  removeRow: 'Remove row',
  planAccepted: 'Frequency plan applied',
  planRejected: 'Frequency plan rejected',
  readOnly: 'Read only (editing needs the administrator role)',
  when: 'When',
  who: 'Who',
  assignments: 'Assignments',
  recordings: 'Recordings',
  start: 'Start',
  duration: 'Duration',
  reason: 'Reason',
  size: 'Size',
  'reason.manual': 'manual',
  'reason.evidence': 'evidence',
  startRecording: 'Start recording',
  stopRecording: 'Stop recording',
  ongoing: 'recording',
  noRecordings: 'No recordings yet',
  cannotRecord: 'The monitor cannot record on demand',
  // emission classes (src/types.ts EMISSION_CLASSES): key 'class.' + class
  'class.nfm': 'Narrowband FM',
  'class.wfm': 'Wideband FM (broadcast)',
  'class.am': 'AM',
  'class.cw': 'Unmodulated carrier (CW)',
  'class.fsk4': '4FSK digital (DMR/dPMR)',
  'class.ofdm': 'OFDM digital',
  'class.mic': 'Wireless microphone',
  'class.jam-barrage': 'Barrage jammer',
  'class.jam-cw': 'CW jammer',
  'class.jam-sweep': 'Sweep jammer',
  'class.jam-pulse': 'Pulse jammer',
  'class.unknown': 'Unclassified',
  'class.ook': 'On-off keyed telemetry (OOK/ASK, short-range devices)',
  'class.tdma': 'TDMA/TDD bursts (DMR, TETRA, GSM, TD-LTE)',
  'class.pulse-pos': 'Pulse-position replies (SSR, Mode S)',
};

export const MESSAGES: Record<Lang, Record<MessageKey, string>> = { vi, en };
const STORAGE_KEY = 'bw.lang';

let current: Lang = 'vi';
const listeners = new Set<() => void>();

export function lang(): Lang {
  return current;
}

/** Translate; unknown dynamic keys (e.g. a new alarm kind) fall back to the key's last part. */
export function t(key: MessageKey | string): string {
  return (MESSAGES[current] as Record<string, string>)[key] ?? key.split('.').pop() ?? key;
}

export function setLang(l: Lang, storage: Pick<Storage, 'setItem'> | null = globalThis.localStorage ?? null): void {
  current = l;
  storage?.setItem(STORAGE_KEY, l);
  if (typeof document !== 'undefined') document.documentElement.lang = l;
  for (const f of listeners) f();
}

/** Saved language, Vietnamese when none. */
export function loadLang(storage: Pick<Storage, 'getItem'> | null = globalThis.localStorage ?? null): Lang {
  const v = storage?.getItem(STORAGE_KEY);
  current = v === 'en' ? 'en' : 'vi';
  return current;
}

export function onLangChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** Fixed-decimals number with the language's decimal mark and thousands grouping (vi: 1.234,5; en: 1,234.5). */
export function formatNumber(v: number, decimals: number, l: Lang = current): string {
  if (!Number.isFinite(v)) return '—';
  const [int, frac] = Math.abs(v).toFixed(decimals).split('.') as [string, string | undefined];
  const group = l === 'vi' ? '.' : ',';
  const dec = l === 'vi' ? ',' : '.';
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return (v < 0 && Number(v.toFixed(decimals)) !== 0 ? '−' : '') + grouped + (frac ? dec + frac : '');
}

/** 470125000 → "470,125 MHz" (vi). Decimals default to what a 1 kHz step needs. */
export function formatMHz(hz: number, decimals = 3, l: Lang = current): string {
  return `${formatNumber(hz / 1e6, decimals, l)} MHz`;
}

/** Frequency with a unit that suits its size: 12,5 kHz, 2,4 MHz, 850 Hz. */
export function formatHz(hz: number, l: Lang = current): string {
  const a = Math.abs(hz);
  if (a >= 1e6) return `${formatNumber(hz / 1e6, trim(hz / 1e6, 3), l)} MHz`;
  if (a >= 1e3) return `${formatNumber(hz / 1e3, trim(hz / 1e3, 1), l)} kHz`;
  return `${formatNumber(hz, 0, l)} Hz`;
}

function trim(v: number, max: number): number {
  for (let d = 0; d < max; d++) if (Math.abs(v * 10 ** d - Math.round(v * 10 ** d)) < 1e-6) return d;
  return max;
}

export function formatDbfs(v: number | null | undefined, l: Lang = current): string {
  return v === null || v === undefined ? '—' : `${formatNumber(v, 1, l)} dBFS`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** vi: dd/mm/yyyy HH:mm:ss; en: yyyy-mm-dd HH:mm:ss. Local time of the console. */
export function formatDateTime(ms: number, l: Lang = current): string {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return l === 'vi'
    ? `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${time}`
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Apply translations to elements marked `data-i18n="key"` (text) or `data-i18n-placeholder`. */
export function translateDom(root: ParentNode): void {
  root.querySelectorAll<HTMLElement>('[data-i18n]').forEach((el) => {
    el.textContent = t(el.dataset.i18n as string);
  });
  root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]').forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder as string);
  });
  root.querySelectorAll<HTMLElement>('[data-i18n-title]').forEach((el) => {
    el.title = t(el.dataset.i18nTitle as string);
  });
}
