// Builds the operator console (web/src → web/dist) with esbuild: one ESM bundle plus the static files.
// Fast (well under a second); `npm run build` and `npm start` (prestart) run it. See docs/console.md.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('../web/', import.meta.url));
const dist = `${web}dist`;
if (!existsSync(`${web}src/main.ts`)) {
  console.log('build-web: no web/src/main.ts yet, nothing to build');
  process.exit(0);
}
const t0 = performance.now();
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: [`${web}src/main.ts`],
  outfile: `${dist}/app.js`,
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  minify: process.env.BW_WEB_DEV !== '1',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
cpSync(`${web}index.html`, `${dist}/index.html`);
cpSync(`${web}static`, dist, { recursive: true });
console.log(`build-web: web/dist built in ${Math.round(performance.now() - t0)} ms`);
