/**
 * `bandwatch users` — manage console accounts in `<data-dir>/users.json` (the file the console server reads).
 *
 *   bandwatch users list [--data-dir DIR]
 *   bandwatch users add NAME --role viewer|operator|admin [--password PW | password on stdin]
 *   bandwatch users passwd NAME [--password PW | password on stdin]
 *   bandwatch users role NAME --role ROLE
 *   bandwatch users remove NAME
 *
 * A running server reads the file at start; restart it (or use the admin API) for changes to take effect there.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';
import { ROLES, UserStore, type Role } from '../../server/auth/users.ts';
import type { CliIo } from '../io.ts';

const USAGE = `usage: bandwatch users <list|add|passwd|role|remove> [NAME] [options]
  --data-dir DIR   data directory holding users.json (default: $BANDWATCH_DATA_DIR or ./data)
  --role ROLE      viewer | operator | admin (add, role)
  --password PW    the password (else read from stdin; avoid on shared machines: it shows in ps)`;

async function readStdinPassword(): Promise<string> {
  if (process.stdin.isTTY) throw new ConfigError('BW_ERR_USAGE', 'give --password or pipe the password on stdin');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

export async function run(
  args: string[],
  io: CliIo,
  readPassword: () => Promise<string> = readStdinPassword,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, name] = positionals;
  if (values.help || !cmd) {
    io.out(USAGE);
    return values.help ? 0 : 2;
  }
  const dataDir = values['data-dir'] ?? process.env.BANDWATCH_DATA_DIR ?? 'data';
  const store = await UserStore.create(join(dataDir, 'users.json'));
  const needName = () => {
    if (!name) throw new ConfigError('BW_ERR_USAGE', `users ${cmd}: NAME is required\n${USAGE}`);
    return name;
  };
  const needRole = (): Role => {
    const r = values.role;
    if (!r || !(ROLES as readonly string[]).includes(r)) {
      throw new ConfigError('BW_ERR_USAGE', `--role must be one of ${ROLES.join(', ')}`, { field: 'role' });
    }
    return r as Role;
  };
  const password = async () => values.password ?? (await readPassword());
  switch (cmd) {
    case 'list':
      if (store.size === 0) io.out('(no accounts; the console creates admin on first start)');
      for (const u of store.list())
        io.out(`${u.name.padEnd(20)} ${u.role.padEnd(9)} updated ${new Date(u.updatedMs).toISOString()}`);
      return 0;
    case 'add': {
      const n = needName();
      const role = needRole();
      await store.add(n, role, await password());
      io.out(`added ${n} (${role})`);
      return 0;
    }
    case 'passwd': {
      const n = needName();
      await store.setPassword(n, await password());
      io.out(`password of ${n} changed`);
      return 0;
    }
    case 'role': {
      const n = needName();
      const role = needRole();
      await store.setRole(n, role);
      io.out(`${n} is now ${role}`);
      return 0;
    }
    case 'remove': {
      const n = needName();
      await store.remove(n);
      io.out(`removed ${n}`);
      return 0;
    }
    default:
      io.err(`bandwatch users: unknown action '${cmd}'\n${USAGE}`);
      return 2;
  }
}
