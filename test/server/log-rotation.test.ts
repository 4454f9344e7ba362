import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/server/audit.ts';
import { NoteStore } from '../../src/server/notes.ts';
import { readLinesBackwards, RotatingLog } from '../../src/server/rotating-log.ts';
import { login, startTestConsole, type TestConsole } from '../helpers/console-server.ts';
import { useTempDirs } from './temp-dirs.ts';

let tc: TestConsole | null = null;
afterEach(async () => {
  await tc?.dispose();
  tc = null;
});
const tmp = useTempDirs('bw-rotate-');

/** Every line of the log's files, oldest file first. */
function allLines(log: RotatingLog): string[] {
  const out: string[] = [];
  for (const f of log.files().reverse()) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    expect(text.endsWith('\n'), `${f} ends mid-line`).toBe(true);
    out.push(...text.slice(0, -1).split('\n'));
  }
  return out;
}

/** A line of varying length, with multi-byte characters, that names its sequence number. */
const line = (i: number) => JSON.stringify({ i, text: 'Bàn giao ca '.repeat(1 + (i % 7)) }) + '\n';

describe('RotatingLog', () => {
  it('loses, doubles and tears no line when many promises append past the limit at once', async () => {
    const dir = tmp();
    const log = new RotatingLog(join(dir, 'x.jsonl'), { maxBytes: 4096, keep: 200 });
    const n = 3000;
    // Reads interleaved with the writes must each see a consistent newest-first run.
    const reads: Promise<number[]>[] = [];
    const writes: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      writes.push(log.append(line(i)));
      if (i % 500 === 250) reads.push(log.recent(40, (l) => (JSON.parse(l) as { i: number }).i));
    }
    await Promise.all(writes);
    const lines = allLines(log);
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(Array.from({ length: n }, (_, i) => i));
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(4096);
    for (const [k, r] of (await Promise.all(reads)).entries()) {
      const last = 250 + 500 * k;
      expect(r).toEqual(Array.from({ length: 40 }, (_, j) => last - j));
    }
  });

  it('keeps at most `keep` old files and the newest lines without gaps, deleting the oldest', async () => {
    const dir = tmp();
    const log = new RotatingLog(join(dir, 'x.jsonl'), { maxBytes: 2000, keep: 3 });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => log.append(line(i))));
    expect(readdirSync(dir).sort()).toEqual(['x.jsonl', 'x.jsonl.1', 'x.jsonl.2', 'x.jsonl.3']);
    const seq = allLines(log).map((l) => (JSON.parse(l) as { i: number }).i);
    expect(seq[seq.length - 1]).toBe(999);
    expect(seq).toEqual(Array.from({ length: seq.length }, (_, j) => 1000 - seq.length + j));
    expect(seq.length).toBeGreaterThan(50);
    // keep: 0 keeps only the current file.
    const one = new RotatingLog(join(dir, 'y.jsonl'), { maxBytes: 500, keep: 0 });
    for (let i = 0; i < 50; i++) await one.append(line(i));
    expect(readdirSync(dir).filter((f) => f.startsWith('y.'))).toEqual(['y.jsonl']);
  });

  it('a line torn by a crash does not swallow the next one', async () => {
    const dir = tmp();
    const file = join(dir, 'x.jsonl');
    writeFileSync(file, line(1) + '{"i":2,"te');
    const log = new RotatingLog(file);
    await log.append(line(3));
    const parse = (l: string) => {
      try {
        return (JSON.parse(l) as { i: number }).i;
      } catch {
        return undefined;
      }
    };
    expect(await log.recent(10, parse)).toEqual([3, 1]);
    expect(readFileSync(file, 'utf8')).toBe(line(1) + '{"i":2,"te\n' + line(3));
  });

  it('reads lines backwards across 64 KiB chunks and multi-byte characters', async () => {
    const dir = tmp();
    const file = join(dir, 'x.txt');
    const lines = Array.from({ length: 40 }, (_, i) => `${i}:` + 'ảnh hưởng '.repeat((i * 977) % 9000));
    writeFileSync(file, lines.join('\n') + '\n');
    const got: string[] = [];
    await readLinesBackwards(file, (l) => got.push(l) > 0);
    expect(got).toEqual([...lines].reverse());
    const some: string[] = [];
    await readLinesBackwards(file, (l) => some.push(l) < 3);
    expect(some).toEqual(lines.slice(-3).reverse());
    await readLinesBackwards(join(dir, 'missing'), () => {
      throw new Error('no lines expected');
    });
  });

  it('refuses a nonsense size or count with BW_ERR_CONFIG naming the setting', () => {
    expect(() => new RotatingLog('/tmp/x', { maxBytes: 0 })).toThrow(/logs\.maxBytes/);
    expect(() => new RotatingLog('/tmp/x', { keep: -1 })).toThrow(expect.objectContaining({ code: 'BW_ERR_CONFIG' }));
  });
});

describe('audit and notes across a rotation', () => {
  it('the audit history returns the newest entries, newest first, from the current and rotated files', async () => {
    const dir = tmp();
    const audit = new AuditLog(join(dir, 'audit.jsonl'), { maxBytes: 3000, keep: 5 });
    for (let i = 0; i < 200; i++)
      audit.record({ user: 'duty1', role: 'operator', ip: '127.0.0.1', action: `a${i}`, outcome: 'ok', atMs: i });
    const got = await audit.tail(60);
    expect(got.map((e) => e.action)).toEqual(Array.from({ length: 60 }, (_, j) => `a${199 - j}`));
    const current = readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').length;
    expect(current).toBeLessThan(60); // so the answer really spans rotated files
    expect(readdirSync(dir)).toContain('audit.jsonl.5');
    expect(readdirSync(dir)).not.toContain('audit.jsonl.6');
    expect(audit.failures).toBe(0);
  });

  it('notes reload from the current and rotated files, up to maxNotes, and keep serving new ones', async () => {
    const dir = tmp();
    const file = join(dir, 'notes.jsonl');
    const rotation = { maxBytes: 2500, keep: 10 };
    const store = await NoteStore.create(file, { rotation, maxNotes: 30 });
    for (let i = 0; i < 80; i++)
      await store.add({ sensorId: 'venue-a', alarmId: `AL${i % 4}`, text: `note ${i}`, by: 'duty1' });
    expect(store.list({ limit: 5000 })).toHaveLength(30);
    expect(readdirSync(dir)).toContain('notes.jsonl.2');
    const reloaded = await NoteStore.create(file, { rotation, maxNotes: 30 });
    const texts = reloaded.list({ limit: 5000 }).map((n) => n.text);
    expect(new Set(texts)).toEqual(new Set(Array.from({ length: 30 }, (_, j) => `note ${79 - j}`)));
    expect(reloaded.list({ alarmId: 'AL1' }).map((n) => n.text)).toEqual(
      [77, 73, 69, 65, 61, 57, 53].map((i) => `note ${i}`),
    );
    const bigger = await NoteStore.create(file, { rotation, maxNotes: 5000 });
    expect(bigger.list({ limit: 5000 }).length).toBeGreaterThan(30);
  });

  it('a damaged note line is skipped with one warning, not a refusal to start', async () => {
    const dir = tmp();
    const file = join(dir, 'notes.jsonl');
    const good = { id: 'N1', sensorId: 's', text: 't', by: 'u', atMs: 1, timeMs: 1 };
    writeFileSync(file, JSON.stringify(good) + '\nnot json\n' + JSON.stringify({ ...good, id: 'N2', atMs: 2 }) + '\n');
    const warnings: string[] = [];
    const store = await NoteStore.create(file, { warn: (l) => warnings.push(l) });
    expect(store.list().map((n) => n.id)).toEqual(['N2', 'N1']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/BW_ERR_NOTES_FILE.*notes\.jsonl.*skipped 1 line/);
  });

  it('through the server: the logs option rotates both files and the API still answers after a restart', async () => {
    tc = await startTestConsole({ logs: { maxBytes: 4000, keep: 4 } });
    const op = await login(tc.server, 'operator');
    const admin = await login(tc.server, 'admin');
    for (let i = 0; i < 40; i++) {
      const r = await tc.server.app.inject({
        method: 'POST',
        url: '/api/notes',
        headers: op.headers,
        payload: { sensorId: 'venue-a', text: `ghi chú ${i} `.repeat(8) },
      });
      expect(r.statusCode).toBe(201);
    }
    await tc.server.ctx.audit.flush();
    const files = readdirSync(tc.dataDir);
    expect(files).toContain('notes.jsonl.1');
    expect(files).toContain('audit.jsonl.1');
    const audit = await tc.server.app.inject({ method: 'GET', url: '/api/audit?limit=40', headers: admin.headers });
    expect(audit.json().filter((e: { action: string }) => e.action === 'add-note')).toHaveLength(40);
    const reloaded = await NoteStore.create(join(tc.dataDir, 'notes.jsonl'));
    expect(reloaded.list({ limit: 5 }).map((n) => n.text.split(' ')[2])).toEqual(['39', '38', '37', '36', '35']);
  });
});
