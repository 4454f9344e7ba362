/**
 * tfjs backend selection. `@tensorflow/tfjs-node` (native) is tried first and is usually absent (its install
 * script downloads libtensorflow, which is blocked here); then the WASM backend, single-threaded so a
 * classification never competes with the DSP workers for cores; then the pure-JS 'cpu' backend.
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type BackendPreference = 'auto' | 'wasm' | 'cpu';

let wasmPathsSet = false;

async function tryNative(): Promise<boolean> {
  // a variable specifier keeps bundlers and tsc from resolving the optional package
  const spec = '@tensorflow/tfjs-node';
  try {
    await import(spec);
    return tf.findBackend('tensorflow') !== null && (await tf.setBackend('tensorflow'));
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    if (!wasmPathsSet) {
      const require = createRequire(import.meta.url);
      setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/');
      setThreadsCount(1);
      wasmPathsSet = true;
    }
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/** Select a backend; resolves to the name in use ('tensorflow', 'wasm' or 'cpu'). */
export async function initBackend(pref: BackendPreference = 'auto'): Promise<string> {
  if (pref === 'cpu') {
    await tf.setBackend('cpu');
  } else if (pref === 'wasm') {
    if (!(await tryWasm())) throw new Error('tfjs wasm backend failed to initialise');
  } else if (tf.getBackend() !== 'tensorflow' && tf.getBackend() !== 'wasm') {
    if (!(await tryNative()) && !(await tryWasm())) await tf.setBackend('cpu');
  }
  await tf.ready();
  return tf.getBackend();
}

export { tf };
