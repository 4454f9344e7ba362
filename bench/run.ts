/**
 * `npm run bench [name...]`: runs every `bench/*.bench.ts` (or the named ones). Each exports
 * `name: string` and `run(): Promise<{ table: string; results: unknown }>`; the table is printed and the results
 * written to `bench/results/<name>.json`. Benchmarks build their inputs outside the timed code.
 */
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchModule {
  name: string;
  run(): Promise<{ table: string; results: unknown }>;
}

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
mkdirSync(join(here, 'results'), { recursive: true });
let failed = 0;
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as BenchModule;
  if (wanted.length && !wanted.includes(mod.name)) continue;
  process.stdout.write(`\n== ${mod.name} (${f})\n`);
  try {
    const { table, results } = await mod.run();
    process.stdout.write(table + '\n');
    writeFileSync(join(here, 'results', `${mod.name}.json`), JSON.stringify(results, null, 2) + '\n');
  } catch (e) {
    failed++;
    process.stdout.write(`FAILED: ${(e as Error).stack ?? String(e)}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
