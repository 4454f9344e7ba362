/**
 * `bandwatch monitor` (also `npm start`): the live monitor. With no arguments: real dongles when present, else
 * the simulated venue; embedded storage; the console on 127.0.0.1:8080. `--format jsonl` also prints detection
 * and alarm objects as they happen (the same objects as `analyze`). Stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import type { CliIo } from '../io.ts';
import { ConfigError } from '../../errors.ts';
import { defaultConfig, loadConfigFile, parseSweepFlag } from '../../config.ts';
import { setupMonitor } from '../../engine/setup.ts';
import type { MonitorApi } from '../../types.ts';
import { spectrumHistoryAdapter } from '../../server/history.ts';

const USAGE = `usage: bandwatch monitor [--config FILE] [--input rtltcp://HOST:PORT|usb[:SERIAL]|virtual[:SCENE]|REC.sigmf-meta]
         [--plan PLAN] [--center-hz HZ] [--sample-rate HZ] [--gain DB|auto] [--sweep START:STOP[,START:STOP...]]
         [--duration SECONDS] [--format jsonl] [--data-dir DIR] [--host ADDR] [--port N] [--no-console]
         [--time-scale X] [--in-process]`;

type ServerModule = {
  createServer?: (
    m: MonitorApi,
    o: Record<string, unknown>,
  ) => Promise<{ listen(): Promise<string>; close(): Promise<void>; url: string }>;
};

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      input: { type: 'string', short: 'i' },
      plan: { type: 'string', short: 'p' },
      'center-hz': { type: 'string' },
      'sample-rate': { type: 'string' },
      gain: { type: 'string' },
      sweep: { type: 'string' },
      duration: { type: 'string' },
      format: { type: 'string' },
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'no-console': { type: 'boolean' },
      'time-scale': { type: 'string' },
      'in-process': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const num = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x))
      throw new ConfigError('BW_ERR_CLI_ARGS', `${flag} must be a number, got '${v}'`, { field: flag });
    return x;
  };
  if (values.format !== undefined && values.format !== 'jsonl')
    throw new ConfigError('BW_ERR_CLI_ARGS', `unsupported --format '${values.format}' (only jsonl)`, {
      field: '--format',
    });
  const cfg = values.config ? await loadConfigFile(values.config) : defaultConfig();
  if (values.plan) cfg.plan = values.plan;
  if (values['data-dir']) cfg.dataDir = values['data-dir'];
  if (values.host) cfg.console.host = values.host;
  if (values.port !== undefined) cfg.console.port = num(values.port, '--port')!;
  if (values['no-console']) cfg.console.enabled = false;
  if (values['in-process']) cfg.pipeline.workers = false;
  if (values['time-scale']) cfg.venue.timeScale = num(values['time-scale'], '--time-scale')!;
  const durationS = num(values.duration, '--duration') ?? cfg.durationS;

  const { monitor, summary } = await setupMonitor(cfg, {
    input: values.input,
    centerHz: num(values['center-hz'], '--center-hz'),
    sampleRateHz: num(values['sample-rate'], '--sample-rate'),
    gain: values.gain === 'auto' ? 'auto' : num(values.gain, '--gain'),
    sweep: values.sweep ? parseSweepFlag(values.sweep) : undefined,
    log: (l) => io.err(l),
  });
  for (const l of summary) io.err(l);

  if (values.format === 'jsonl') {
    let t0 = NaN;
    const rel = (ms: number) => {
      if (Number.isNaN(t0)) t0 = ms;
      return Math.round(ms - t0) / 1000;
    };
    // Times are seconds from the first sample seen.
    monitor.on('spectrum', (l) => Number.isNaN(t0) && (t0 = l.timeMs));
    monitor.on('emission', ({ phase, emission: e }) => {
      if (phase !== 'end') return;
      io.out(
        JSON.stringify({
          type: 'detection',
          t0: rel(e.firstSeenMs),
          t1: rel(e.endedMs ?? e.lastSeenMs),
          centerHz: Math.round(e.centerHz),
          bandwidthHz: Math.round(e.bandwidthHz),
          snrDb: Math.round(e.snrDb * 10) / 10,
          peakDbfs: Math.round(e.peakDbfs * 10) / 10,
          class: e.className,
          confidence: Math.round(e.confidence * 100) / 100,
          assignment: e.assignmentId,
          sensor: e.sensorId,
        }),
      );
    });
    monitor.on('alarm', ({ type, alarm: a }) => {
      if (type !== 'raised') return;
      io.out(
        JSON.stringify({
          type: 'alarm',
          kind: a.kind,
          t: rel(a.raisedMs),
          centerHz: a.centerHz === null ? null : Math.round(a.centerHz),
          bandwidthHz: a.bandwidthHz === null ? null : Math.round(a.bandwidthHz),
          assignment: a.assignmentId,
          ...(a.className ? { class: a.className, confidence: Math.round((a.confidence ?? 0) * 100) / 100 } : {}),
          detail: a.detail,
          sensor: a.sensorId,
          id: a.id,
        }),
      );
    });
  }

  let server: Awaited<ReturnType<NonNullable<ServerModule['createServer']>>> | null = null;
  await monitor.start();
  if (cfg.console.enabled) {
    let mod: ServerModule | null = null;
    try {
      mod = (await import('../../server/server.ts')) as unknown as ServerModule;
    } catch (e) {
      io.err(`console not available: ${(e as Error).message}`);
    }
    if (mod?.createServer) {
      server = await mod.createServer(monitor, {
        dataDir: cfg.dataDir,
        host: cfg.console.host,
        port: cfg.console.port,
        adminPassword: cfg.console.adminPassword,
        ...(cfg.console.tls ? { tls: cfg.console.tls } : {}),
        ...(cfg.console.logs ? { logs: cfg.console.logs } : {}),
        // The console's history view, report waterfalls and evidence links read the stored rows.
        ...(monitor.spectrumHistory ? { history: spectrumHistoryAdapter(monitor.spectrumHistory) } : {}),
        print: (l: string) => io.err(l),
      });
      const url = await server.listen();
      io.err(
        `console: ${url}/ (log in with your console account; the first start prints the 'admin' password above, or set BANDWATCH_ADMIN_PASSWORD; add users with 'bandwatch users add')`,
      );
    }
  }
  io.err(`monitoring ${monitor.sensors().length} sensor(s); Ctrl-C to stop`);

  await new Promise<void>((resolve) => {
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
    if (durationS !== undefined) setTimeout(resolve, durationS * 1000).unref?.();
    // A finite source (a recording) ends the run when every sensor has stopped.
    monitor.on('sensor', () => {
      if (monitor.sensors().every((s) => s.state === 'stopped' || s.state === 'failed')) resolve();
    });
  });
  io.err('stopping...');
  await server?.close();
  await monitor.stop();
  await monitor.store.close();
  const active = monitor.alarms({ state: 'active' }).length;
  io.err(
    `stopped: ${monitor.emissions().length} emission(s) tracked, ${active} active alarm(s) journaled under ${cfg.dataDir}`,
  );
  return 0;
}
