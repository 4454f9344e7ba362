/**
 * Starts a real `influxd` (Debian 1.6) on free loopback ports with a temp data dir (infra notes R2), waits for
 * /ping 204, and stops it and removes the dir. `stop()`/`start()` keep the dir so outage tests can restart it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface InfluxdHandle {
  url: string;
  port: number;
  dir: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and dir; resolves when /ping answers 204. */
  start(): Promise<void>;
  /** Stops it and removes the dir. */
  dispose(): Promise<void>;
  /** Runs an InfluxQL statement, returns the JSON answer (epoch ms). */
  query(db: string, q: string): Promise<unknown>;
}

export const INFLUXD = '/usr/bin/influxd';

// If a test process dies without its afterAll, do not leave influxd running or its temp dir behind.
const live = new Map<ChildProcess, string>();
let exitHook = false;
function track(c: ChildProcess, dir: string): void {
  live.set(c, dir);
  c.once('exit', () => live.delete(c));
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const [child, d] of live) {
      child.kill('SIGKILL');
      rmSync(d, { recursive: true, force: true });
    }
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function ping(url: string): Promise<number> {
  try {
    const r = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    return r.status;
  } catch {
    return 0;
  }
}

export async function startInfluxd(): Promise<InfluxdHandle> {
  const port = await freePort();
  const rpcPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bw-influx-'));
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(
    conf,
    [
      'reporting-enabled = false',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${dir}/meta"`,
      '[data]',
      `  dir = "${dir}/data"`,
      `  wal-dir = "${dir}/wal"`,
      '  query-log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[http]',
      '  enabled = true',
      `  bind-address = "127.0.0.1:${port}"`,
      '  auth-enabled = false',
      '  log-enabled = false',
      '[continuous_queries]',
      '  log-enabled = false',
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    if (await ping(url)) throw new Error(`port ${port} already answers; refusing to start a second influxd`);
    const log = openSync(join(dir, 'influxd.log'), 'a');
    const c = spawn(INFLUXD, ['-config', conf], { stdio: ['ignore', log, log] });
    closeSync(log);
    child = c;
    track(c, dir);
    let exited = false;
    c.once('exit', () => (exited = true));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if ((await ping(url)) === 204) return;
      if (exited) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`influxd did not become ready on ${url} (see ${dir}/influxd.log)`);
  };

  const stop = async (): Promise<void> => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(t);
  };

  await start();
  return {
    url,
    port,
    dir,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async query(db, q) {
      const u = `${url}/query?db=${encodeURIComponent(db)}&epoch=ms&q=${encodeURIComponent(q)}`;
      const r = await fetch(u, { method: 'POST' });
      return r.json();
    },
  };
}
