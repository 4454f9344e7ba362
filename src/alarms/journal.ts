/**
 * Alarm journal: one JSON object per line (`{"type":"raised","alarm":{...}}`) appended synchronously, so an
 * alarm that was announced is on disk before anyone hears of it. Replaying the file rebuilds the latest state of
 * every alarm after a restart; a torn last line (crash mid-write) is skipped and counted.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Alarm, AlarmEvent } from '../types.ts';

export interface JournalReplay {
  alarms: Map<string, Alarm>;
  events: number;
  badLines: number[];
}

export class AlarmJournal {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  append(ev: AlarmEvent, atMs: number): void {
    appendFileSync(this.path, JSON.stringify({ at: atMs, type: ev.type, alarm: ev.alarm }) + '\n');
  }

  replay(): JournalReplay {
    const alarms = new Map<string, Alarm>();
    const badLines: number[] = [];
    let events = 0;
    if (!existsSync(this.path)) return { alarms, events, badLines };
    const text = readFileSync(this.path, 'utf8');
    // Terminate a torn last line so the next append starts on a line of its own.
    if (text.length && !text.endsWith('\n')) appendFileSync(this.path, '\n');
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const o = JSON.parse(line) as { alarm?: Alarm };
        if (!o.alarm || typeof o.alarm.id !== 'string') throw new Error('no alarm');
        alarms.set(o.alarm.id, o.alarm);
        events++;
      } catch {
        badLines.push(i + 1);
      }
    });
    return { alarms, events, badLines };
  }
}
