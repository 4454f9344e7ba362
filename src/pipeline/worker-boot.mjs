// Worker entry: tsx's loader hooks are per thread, and `--import tsx` in a worker's execArgv does not reach the
// worker's own entry module on Node 20, so register the hooks here and then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
