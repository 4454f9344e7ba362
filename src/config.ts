/**
 * Monitor configuration: a JSON or YAML file (`--config`) overlaid by command-line flags, validated with every
 * problem reported (ConfigError naming file, line and field). Defaults: data dir ./data, console on
 * 127.0.0.1:8080, embedded storage unless `storage.influx` is given, and sources = real dongles when present,
 * else the simulated venue (virtual dongles + examples/venue-plan.json).
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, formatLocation, type ErrorLocation } from './errors.ts';
import type { WebhookConfig } from './alarms/webhooks.ts';
import type { AlarmKind, AlarmSeverity } from './types.ts';

export interface SensorConfig {
  id: string;
  name?: string;
  /** `usb[:SERIAL]`, `virtual[:SCENE]`, `rtltcp://HOST:PORT` or a SigMF path (replayed at 1×). */
  input: string;
  centerHz?: number;
  sampleRateHz?: number;
  /** dB or 'auto'. */
  gain?: number | 'auto';
  ppm?: number;
  mode?: 'dwell' | 'sweep';
  /** Sweep ranges, Hz. */
  sweep?: { startHz: number; stopHz: number }[];
}

export interface MonitorConfig {
  dataDir: string;
  console: {
    enabled: boolean;
    host: string;
    port: number;
    adminPassword?: string;
    /** HTTPS/WSS: PEM key and certificate paths; cookies then get Secure. */
    tls?: { keyPath: string; certPath: string };
    /** Audit and notes logs rotate at `maxBytes` (bytes), keeping `keep` old files (server defaults: 10 MiB, 10). */
    logs?: { maxBytes?: number; keep?: number };
  };
  storage: { influx?: { url: string; database: string; username?: string; password?: string }; intervalS: number };
  /** Plan file; default: the venue plan for the simulated venue, none otherwise. */
  plan?: string;
  alarms: {
    escalateAfterS: number;
    clearAfterS: number;
    maxRaisesPerMinute: number;
    webhooks: WebhookConfig[];
  };
  /** `averages` absent: ~27 ms of IQ per spectrum at any rate (src/pipeline/spectral.ts defaultAverages). */
  pipeline: { fftSize: number; averages?: number; pfa: number; workers: boolean };
  /** Explicit sensors; empty = automatic (dongles, else the virtual venue). */
  sensors: SensorConfig[];
  /** Virtual venue: number of virtual dongles (2-3) and schedule time scale. */
  venue: { sensors: number; timeScale: number };
  /** Spectrum history (waterfall rows under `<dataDir>/history`): whole UTC days older than `keepDays` are pruned. */
  history: { keepDays: number };
  /** Stop after this many seconds (tests, demos). */
  durationS?: number;
}

export function defaultConfig(): MonitorConfig {
  return {
    dataDir: './data',
    console: { enabled: true, host: '127.0.0.1', port: 8080 },
    storage: { intervalS: 10 },
    alarms: { escalateAfterS: 300, clearAfterS: 3, maxRaisesPerMinute: 30, webhooks: [] },
    pipeline: { fftSize: 2048, pfa: 1e-5, workers: true },
    sensors: [],
    venue: { sensors: 3, timeScale: 1 },
    history: { keepDays: 14 },
  };
}

type Problem = { location: ErrorLocation; message: string };

const KINDS: AlarmKind[] = [
  'unlicensed-emitter',
  'out-of-mask',
  'over-power',
  'interference',
  'jamming',
  'sensor-fault',
];
const SEVERITIES: AlarmSeverity[] = ['critical', 'major', 'minor', 'warning'];

/** Read and validate a config file (JSON or YAML) onto the defaults. */
export async function loadConfigFile(file: string, base: MonitorConfig = defaultConfig()): Promise<MonitorConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError('BW_ERR_CONFIG', `cannot read config: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      file,
    });
  }
  return parseConfigText(text, file, base);
}

export function parseConfigText(
  text: string,
  file: string | undefined,
  base: MonitorConfig = defaultConfig(),
): MonitorConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new ConfigError('BW_ERR_CONFIG', `invalid YAML/JSON: ${e.message.split('\n')[0]}`, {
      file,
      line: lc.linePos(e.pos[0]).line,
    });
  }
  const raw = doc.toJS() as unknown;
  const problems: Problem[] = [];
  const lineOf = (path: (string | number)[]): number | undefined => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lc.linePos(node.range[0]).line : undefined;
  };
  const at = (path: (string | number)[]): ErrorLocation => ({ file, line: lineOf(path), field: path.join('.') });
  const cfg = structuredClone(base);
  if (raw === null || raw === undefined) return cfg;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError('BW_ERR_CONFIG', 'config must be an object', { file });
  const r = raw as Record<string, unknown>;
  const known = new Set([
    'dataDir',
    'console',
    'storage',
    'plan',
    'alarms',
    'pipeline',
    'sensors',
    'venue',
    'history',
    'durationS',
  ]);
  for (const k of Object.keys(r))
    if (!known.has(k)) problems.push({ location: at([k]), message: `unknown setting '${k}'` });

  const str = (v: unknown, path: (string | number)[]): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === 'string' && v) return v;
    problems.push({ location: at(path), message: 'must be a non-empty string' });
    return undefined;
  };
  const num = (v: unknown, path: (string | number)[], min = -Infinity, max = Infinity): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) return v;
    problems.push({ location: at(path), message: `must be a number in [${min}, ${max}]` });
    return undefined;
  };
  const bool = (v: unknown, path: (string | number)[]): boolean | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    problems.push({ location: at(path), message: 'must be true or false' });
    return undefined;
  };
  const obj = (v: unknown, path: string[]): Record<string, unknown> => {
    if (v === undefined) return {};
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    problems.push({ location: at(path), message: 'must be an object' });
    return {};
  };

  cfg.dataDir = str(r.dataDir, ['dataDir']) ?? cfg.dataDir;
  cfg.plan = str(r.plan, ['plan']) ?? cfg.plan;
  cfg.durationS = num(r.durationS, ['durationS'], 0) ?? cfg.durationS;
  const c = obj(r.console, ['console']);
  cfg.console.enabled = bool(c.enabled, ['console', 'enabled']) ?? cfg.console.enabled;
  cfg.console.host = str(c.host, ['console', 'host']) ?? cfg.console.host;
  cfg.console.port = num(c.port, ['console', 'port'], 0, 65535) ?? cfg.console.port;
  cfg.console.adminPassword = str(c.adminPassword, ['console', 'adminPassword']) ?? cfg.console.adminPassword;
  if (c.tls !== undefined) {
    const t = obj(c.tls, ['console', 'tls']);
    const keyPath = str(t.keyPath, ['console', 'tls', 'keyPath']);
    const certPath = str(t.certPath, ['console', 'tls', 'certPath']);
    if (keyPath && certPath) cfg.console.tls = { keyPath, certPath };
    else problems.push({ location: at(['console', 'tls']), message: 'needs both keyPath and certPath' });
  }
  if (c.logs !== undefined) {
    const l = obj(c.logs, ['console', 'logs']);
    const maxBytes = num(l.maxBytes, ['console', 'logs', 'maxBytes'], 4096);
    const keep = num(l.keep, ['console', 'logs', 'keep'], 1, 1000);
    if (keep !== undefined && !Number.isInteger(keep))
      problems.push({
        location: at(['console', 'logs', 'keep']),
        message: `must be a whole number of files, got ${keep}`,
      });
    cfg.console.logs = { ...(maxBytes !== undefined ? { maxBytes } : {}), ...(keep !== undefined ? { keep } : {}) };
  }
  const s = obj(r.storage, ['storage']);
  cfg.storage.intervalS = num(s.intervalS, ['storage', 'intervalS'], 1, 3600) ?? cfg.storage.intervalS;
  if (s.influx !== undefined) {
    const i = obj(s.influx, ['storage', 'influx']);
    const url = str(i.url, ['storage', 'influx', 'url']);
    const database = str(i.database, ['storage', 'influx', 'database']) ?? 'bandwatch';
    if (!url) problems.push({ location: at(['storage', 'influx']), message: "InfluxDB needs 'url'" });
    else
      cfg.storage.influx = {
        url,
        database,
        username: str(i.username, ['storage', 'influx', 'username']),
        password: str(i.password, ['storage', 'influx', 'password']),
      };
  }
  const h = obj(r.history, ['history']);
  cfg.history.keepDays = num(h.keepDays, ['history', 'keepDays'], 1, 3650) ?? cfg.history.keepDays;
  const a = obj(r.alarms, ['alarms']);
  cfg.alarms.escalateAfterS = num(a.escalateAfterS, ['alarms', 'escalateAfterS'], 0) ?? cfg.alarms.escalateAfterS;
  cfg.alarms.clearAfterS = num(a.clearAfterS, ['alarms', 'clearAfterS'], 0) ?? cfg.alarms.clearAfterS;
  cfg.alarms.maxRaisesPerMinute =
    num(a.maxRaisesPerMinute, ['alarms', 'maxRaisesPerMinute'], 1) ?? cfg.alarms.maxRaisesPerMinute;
  if (a.webhooks !== undefined) {
    if (!Array.isArray(a.webhooks)) problems.push({ location: at(['alarms', 'webhooks']), message: 'must be a list' });
    else {
      cfg.alarms.webhooks = [];
      a.webhooks.forEach((w: unknown, i) => {
        const p = ['alarms', 'webhooks', i];
        const o = (typeof w === 'object' && w ? w : {}) as Record<string, unknown>;
        const url = typeof o.url === 'string' && /^https?:\/\//.test(o.url) ? o.url : undefined;
        if (!url) {
          problems.push({ location: at([...p.map(String)]), message: "webhook needs 'url' (http:// or https://)" });
          return;
        }
        const hook: WebhookConfig = { url };
        if (o.kinds !== undefined) {
          if (Array.isArray(o.kinds) && o.kinds.every((k) => KINDS.includes(k as AlarmKind)))
            hook.kinds = o.kinds as AlarmKind[];
          else
            problems.push({
              location: at([...p.map(String), 'kinds']),
              message: `kinds must be a list of ${KINDS.join(', ')}`,
            });
        }
        if (o.minSeverity !== undefined) {
          if (SEVERITIES.includes(o.minSeverity as AlarmSeverity)) hook.minSeverity = o.minSeverity as AlarmSeverity;
          else
            problems.push({
              location: at([...p.map(String), 'minSeverity']),
              message: `minSeverity must be one of ${SEVERITIES.join(', ')}`,
            });
        }
        hook.retries = num(o.retries, [...p.map(String), 'retries'], 0, 20);
        hook.backoffMs = num(o.backoffMs, [...p.map(String), 'backoffMs'], 1);
        cfg.alarms.webhooks.push(hook);
      });
    }
  }
  const pl = obj(r.pipeline, ['pipeline']);
  const fft = num(pl.fftSize, ['pipeline', 'fftSize'], 256, 16384);
  if (fft !== undefined && (fft & (fft - 1)) !== 0)
    problems.push({ location: at(['pipeline', 'fftSize']), message: 'must be a power of two' });
  else cfg.pipeline.fftSize = fft ?? cfg.pipeline.fftSize;
  const averages = num(pl.averages, ['pipeline', 'averages'], 1, 4096);
  if (averages !== undefined) cfg.pipeline.averages = averages;
  cfg.pipeline.pfa = num(pl.pfa, ['pipeline', 'pfa'], 1e-15, 0.1) ?? cfg.pipeline.pfa;
  cfg.pipeline.workers = bool(pl.workers, ['pipeline', 'workers']) ?? cfg.pipeline.workers;
  const v = obj(r.venue, ['venue']);
  cfg.venue.sensors = num(v.sensors, ['venue', 'sensors'], 1, 8) ?? cfg.venue.sensors;
  cfg.venue.timeScale = num(v.timeScale, ['venue', 'timeScale'], 0.001, 1e6) ?? cfg.venue.timeScale;
  if (r.sensors !== undefined) {
    if (!Array.isArray(r.sensors)) problems.push({ location: at(['sensors']), message: 'must be a list' });
    else {
      cfg.sensors = [];
      const ids = new Set<string>();
      r.sensors.forEach((x: unknown, i) => {
        const p = ['sensors', String(i)];
        const o = (typeof x === 'object' && x ? x : {}) as Record<string, unknown>;
        const id = str(o.id, [...p, 'id']) ?? `sensor${i + 1}`;
        if (ids.has(id)) problems.push({ location: at([...p, 'id']), message: `duplicate sensor id '${id}'` });
        ids.add(id);
        const input = str(o.input, [...p, 'input']);
        if (!input) {
          problems.push({
            location: at(p),
            message: "sensor needs 'input' (usb[:SERIAL], virtual[:SCENE], rtltcp://HOST:PORT or a .sigmf-meta)",
          });
          return;
        }
        const sc: SensorConfig = { id, input };
        sc.name = str(o.name, [...p, 'name']);
        sc.centerHz = num(o.centerHz, [...p, 'centerHz'], 24e6, 1766e6);
        sc.sampleRateHz = num(o.sampleRateHz, [...p, 'sampleRateHz'], 225001, 3.2e6);
        if (o.gain === 'auto') sc.gain = 'auto';
        else sc.gain = num(o.gain, [...p, 'gain'], 0, 50);
        sc.ppm = num(o.ppm, [...p, 'ppm'], -200, 200);
        if (o.mode !== undefined) {
          if (o.mode === 'dwell' || o.mode === 'sweep') sc.mode = o.mode;
          else problems.push({ location: at([...p, 'mode']), message: "mode must be 'dwell' or 'sweep'" });
        }
        if (o.sweep !== undefined) {
          const ranges = Array.isArray(o.sweep) ? o.sweep : [];
          sc.sweep = [];
          ranges.forEach((rg: unknown, j) => {
            const q = (typeof rg === 'object' && rg ? rg : {}) as Record<string, unknown>;
            const startHz = num(q.startHz, [...p, 'sweep', String(j), 'startHz'], 24e6, 1766e6);
            const stopHz = num(q.stopHz, [...p, 'sweep', String(j), 'stopHz'], 24e6, 1766e6);
            if (startHz !== undefined && stopHz !== undefined) {
              if (stopHz <= startHz)
                problems.push({ location: at([...p, 'sweep', String(j)]), message: 'stopHz must be above startHz' });
              else sc.sweep!.push({ startHz, stopHz });
            }
          });
          if (!Array.isArray(o.sweep))
            problems.push({ location: at([...p, 'sweep']), message: 'must be a list of {startHz, stopHz}' });
        }
        cfg.sensors.push(sc);
      });
    }
  }
  if (problems.length) {
    // Every problem, each with file:line and field, in one error (the first one's location on the error itself).
    const lines = problems.map((p) => `  - ${formatLocation(p.location)}: ${p.message}`);
    throw new ConfigError('BW_ERR_CONFIG', `configuration has ${problems.length} problem(s):\n${lines.join('\n')}`, {
      file,
    });
  }
  return cfg;
}

/** `--sweep START:STOP[,START:STOP...]` in Hz. */
export function parseSweepFlag(v: string): { startHz: number; stopHz: number }[] {
  return v.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*:\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*$/i.exec(part);
    if (!m)
      throw new ConfigError('BW_ERR_CLI_ARGS', `--sweep range '${part}' is not START:STOP in Hz`, { field: '--sweep' });
    const startHz = Number(m[1]);
    const stopHz = Number(m[2]);
    if (!(stopHz > startHz))
      throw new ConfigError('BW_ERR_CLI_ARGS', `--sweep range '${part}': STOP must be above START`, {
        field: '--sweep',
      });
    if (startHz < 24e6 || stopHz > 1766e6)
      throw new ConfigError('BW_ERR_CLI_ARGS', `--sweep range '${part}' is outside 24-1766 MHz`, { field: '--sweep' });
    return { startHz, stopHz };
  });
}
