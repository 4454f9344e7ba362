import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

describe('CLI usage errors', () => {
  it.each([
    ['analyze', ['--bogus'], "Unknown option '--bogus'"],
    ['monitor', ['--duration'], "'--duration <value>' argument missing"],
    ['record', ['--nope', 'x'], "Unknown option '--nope'"],
  ])('%s %j: one line naming the flag, exit 2, no stack', async (cmd, args, what) => {
    const io = memoryIo();
    expect(await main([cmd, ...args], io)).toBe(2);
    const err = io.stderr.join('\n');
    expect(err).toContain(`bandwatch ${cmd}: `);
    expect(err).toContain(what);
    expect(err).toContain(`bandwatch ${cmd} --help`);
    expect(err).not.toContain('internal error');
    expect(err).not.toMatch(/\n\s+at /);
  });
});
