/**
 * CLI dispatcher. Each sub-command lives in `src/cli/commands/<name>.ts` and exports
 * `run(args: string[], io: CliIo): Promise<number>` (the exit code). Commands load lazily so that
 * `bandwatch plan check` does not pay for TensorFlow or USB.
 */
import type { CliIo } from './io.ts';
import { processIo } from './io.ts';

interface CommandEntry {
  summary: string;
  load: () => Promise<{ run: (args: string[], io: CliIo) => Promise<number> }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  monitor: {
    summary: 'run the live monitor: sources, detection, alarms, storage, console',
    load: () => import('./commands/monitor.ts'),
  },
  analyze: {
    summary: 'run a recording or live source through the pipeline, print JSON lines',
    load: () => import('./commands/analyze.ts'),
  },
  replay: {
    summary: 'replay a SigMF recording through the pipeline at 1x, faster or as fast as possible',
    load: () => import('./commands/replay.ts'),
  },
  calibrate: {
    summary: "measure a dongle's frequency error against a known carrier; prints its ppm setting",
    load: () => import('./commands/calibrate.ts'),
  },
  devices: { summary: 'list RTL-SDR dongles: tuner, serial, USB path', load: () => import('./commands/devices.ts') },
  plan: { summary: 'frequency plan tools: `plan check FILE`', load: () => import('./commands/plan.ts') },
  record: { summary: 'record IQ from a source to SigMF', load: () => import('./commands/record.ts') },
  eeprom: {
    summary: 'read the dongle EEPROM, or write a new serial (guarded)',
    load: () => import('./commands/eeprom.ts'),
  },
  report: { summary: 'incident and periodic reports (HTML, CSV)', load: () => import('./commands/report.ts') },
  score: {
    summary: "score a recording's alarms against its ground-truth annotations (bandwatch:truth)",
    load: () => import('./commands/score.ts'),
  },
  users: { summary: 'manage console accounts', load: () => import('./commands/users.ts') },
};

export function usage(): string {
  const lines = ['usage: bandwatch <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `bandwatch <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`bandwatch: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  let mod: Awaited<ReturnType<CommandEntry['load']>>;
  try {
    mod = await entry.load();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(e).includes(`commands/${name}.ts`)) {
      io.err(`bandwatch: command '${name}' is not available in this build`);
      return 2;
    }
    throw e;
  }
  try {
    return await mod.run(rest, io);
  } catch (e) {
    // Typed errors carry a code and a location the user can act on; anything else is a bug and keeps its stack.
    const err = e as Error & { code?: string };
    if (err.code && err.code.startsWith('BW_')) {
      io.err(`bandwatch ${name}: ${err.message} [${err.code}]`);
      return 1;
    }
    // node:util parseArgs rejects unknown or malformed flags: a usage error, not a bug.
    if (err.code && err.code.startsWith('ERR_PARSE_ARGS_')) {
      io.err(`bandwatch ${name}: ${err.message} (see \`bandwatch ${name} --help\`)`);
      return 2;
    }
    io.err(`bandwatch ${name}: internal error: ${err.stack ?? String(err)}`);
    return 70;
  }
}
