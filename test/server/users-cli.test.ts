import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/users.ts';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { UserStore } from '../../src/server/auth/users.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dataDir() {
  const d = mkdtempSync(join(tmpdir(), 'bw-users-cli-'));
  dirs.push(d);
  return d;
}

describe('bandwatch users', () => {
  it('adds, lists, changes password and role, removes', async () => {
    const dir = dataDir();
    const io = memoryIo();
    expect(await run(['add', 'duty1', '--role', 'operator', '--password', 'first-pass-1', '--data-dir', dir], io)).toBe(
      0,
    );
    expect(await run(['add', 'eng', '--role', 'viewer', '--data-dir', dir], io, async () => 'from-stdin-1')).toBe(0);
    expect(await run(['list', '--data-dir', dir], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/duty1\s+operator/);
    expect(io.stdout.join('\n')).toMatch(/eng\s+viewer/);
    expect(await run(['passwd', 'duty1', '--password', 'second-pass-2', '--data-dir', dir], io)).toBe(0);
    expect(await run(['role', 'eng', '--role', 'admin', '--data-dir', dir], io)).toBe(0);
    const store = await UserStore.create(join(dir, 'users.json'));
    expect(await store.verify('duty1', 'second-pass-2')).toMatchObject({ role: 'operator' });
    expect(await store.verify('duty1', 'first-pass-1')).toBeNull();
    expect(await store.verify('eng', 'from-stdin-1')).toMatchObject({ role: 'admin' });
    expect(await run(['remove', 'eng', '--data-dir', dir], io)).toBe(0);
    expect((await UserStore.create(join(dir, 'users.json'))).get('eng')).toBeNull();
  });

  it('reports bad input through the dispatcher with a typed error and exit 1', async () => {
    const dir = dataDir();
    const io = memoryIo();
    expect(
      await main(['users', 'add', 'x', '--role', 'king', '--password', 'long-enough', '--data-dir', dir], io),
    ).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/--role must be one of viewer, operator, admin \[BW_ERR_USAGE\]/);
    expect(await main(['users', 'add', 'x', '--role', 'viewer', '--password', 'short', '--data-dir', dir], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/at least 8 characters \[BW_ERR_VALIDATION\]/);
    expect(await main(['users', 'remove', 'ghost', '--data-dir', dir], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/no user 'ghost' \[BW_ERR_USER_NOT_FOUND\]/);
    expect(await main(['users', 'frobnicate', '--data-dir', dir], io)).toBe(2);
  });
});
