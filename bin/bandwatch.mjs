#!/usr/bin/env node
// The `bandwatch` command. Sources are TypeScript run through tsx's loader, so a checkout works after `npm install`
// with no build step. Workers started by the engine pass `--import tsx` themselves (loader hooks are per thread).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
