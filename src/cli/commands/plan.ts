/** `bandwatch plan check FILE`: validate a frequency plan (JSON, YAML or CSV) and print every problem. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CliIo } from '../io.ts';
import { parsePlanText } from '../../plan/index.ts';
import { formatLocation } from '../../errors.ts';

const USAGE = 'usage: bandwatch plan check FILE   (JSON, YAML or CSV; exit 0 = valid, 1 = problems)';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const [sub, file, ...extra] = positionals;
  if (sub !== 'check' || !file || extra.length) {
    io.err(USAGE);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    io.err(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)}) [BW_ERR_PLAN_INVALID]`);
    return 1;
  }
  const { plan, problems, hints } = parsePlanText(text, { file });
  if (problems.length) {
    io.err(`${file}: ${problems.length} problem(s):`);
    for (const p of problems) io.err(`  ${formatLocation(p.location)}: ${p.message}`);
    return 1;
  }
  const critical = plan.assignments.filter((a) => a.critical).length;
  const windowed = plan.assignments.filter((a) => a.windows?.length).length;
  const shared = plan.assignments.filter((a) => a.shared).length;
  const lo = Math.min(...plan.assignments.map((a) => a.centerHz - a.bandwidthHz / 2));
  const hi = Math.max(...plan.assignments.map((a) => a.centerHz + a.bandwidthHz / 2));
  io.out(
    `OK ${file}: plan '${plan.name}', ${plan.assignments.length} assignment(s), ${critical} critical, ` +
      (shared ? `${shared} shared band(s), ` : '') +
      `${windowed} with time windows, ` +
      `${plan.phases?.length ?? 0} phase(s)` +
      (plan.assignments.length ? `, ${(lo / 1e6).toFixed(4)}-${(hi / 1e6).toFixed(4)} MHz` : ''),
  );
  // Advice only: the plan is valid and the exit code stays 0.
  for (const h of hints ?? []) io.out(`  hint: ${formatLocation(h.location)}: ${h.message}`);
  return 0;
}
