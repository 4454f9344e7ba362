// Builds the operator console (web/src → web/dist) with esbuild. Owned by the console; see web/README.md.
import { existsSync } from 'node:fs';
if (!existsSync(new URL('../web/src/main.ts', import.meta.url))) {
  console.log('build-web: no web/src/main.ts yet, nothing to build');
}
