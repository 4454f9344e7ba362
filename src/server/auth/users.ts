/**
 * Console accounts in a JSON file under the data dir (`users.json`, mode 0600). Passwords are hashed with
 * scrypt (node:crypto) and a per-user random salt; the cost parameters are stored per user so they can be
 * raised later without invalidating old hashes. Verification is timing-safe and costs the same for unknown users.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ApiError, ConfigError } from '../../errors.ts';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Rank of a role: a route that needs `operator` admits operator and admin. */
export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** About 50 ms per hash on a CI core: slow enough against guessing, fast enough for logins. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
const KEY_BYTES = 32;

interface StoredUser {
  name: string;
  role: Role;
  /** base64 */
  salt: string;
  /** base64 scrypt output */
  hash: string;
  cost: ScryptCost;
  createdMs: number;
  updatedMs: number;
}

export interface UserInfo {
  name: string;
  role: Role;
  createdMs: number;
  updatedMs: number;
}

export const USERNAME_PATTERN = '^[A-Za-z0-9_.-]{1,32}$';
const USERNAME_RE = new RegExp(USERNAME_PATTERN);
export const MIN_PASSWORD_LENGTH = 8;

function scrypt(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const opts: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, KEY_BYTES, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export class UserStore {
  private users = new Map<string, StoredUser>();
  private writing: Promise<void> = Promise.resolve();
  private dummy: StoredUser | null = null;

  private constructor(
    readonly file: string,
    private readonly cost: ScryptCost,
  ) {}

  /** Load (or start empty when the file does not exist). A malformed file is an error naming the file. */
  static async create(file: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<UserStore> {
    const store = new UserStore(file, cost);
    let text: string | null = null;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (text !== null) {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (e) {
        throw new ConfigError('BW_ERR_USERS_FILE', `not valid JSON: ${(e as Error).message}`, { file });
      }
      const list = (doc as { users?: unknown }).users;
      if (!Array.isArray(list)) throw new ConfigError('BW_ERR_USERS_FILE', 'missing "users" array', { file });
      list.forEach((u: StoredUser, i) => {
        if (
          !u ||
          typeof u.name !== 'string' ||
          !ROLES.includes(u.role) ||
          typeof u.salt !== 'string' ||
          typeof u.hash !== 'string' ||
          typeof u.cost?.N !== 'number'
        ) {
          throw new ConfigError('BW_ERR_USERS_FILE', 'malformed user entry', { file, field: `users[${i}]` });
        }
        store.users.set(u.name, u);
      });
    }
    return store;
  }

  get size(): number {
    return this.users.size;
  }

  list(): UserInfo[] {
    return [...this.users.values()]
      .map(({ name, role, createdMs, updatedMs }) => ({ name, role, createdMs, updatedMs }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): UserInfo | null {
    const u = this.users.get(name);
    return u ? { name: u.name, role: u.role, createdMs: u.createdMs, updatedMs: u.updatedMs } : null;
  }

  async add(name: string, role: Role, password: string): Promise<UserInfo> {
    if (!USERNAME_RE.test(name)) {
      throw new ApiError(400, 'BW_ERR_VALIDATION', 'user name must be 1-32 of A-Z a-z 0-9 _ . -', { field: 'name' });
    }
    if (!ROLES.includes(role))
      throw new ApiError(400, 'BW_ERR_VALIDATION', `unknown role '${role}'`, { field: 'role' });
    if (this.users.has(name)) throw new ApiError(409, 'BW_ERR_USER_EXISTS', `user '${name}' already exists`);
    checkPassword(password);
    const now = Date.now();
    const user: StoredUser = { name, role, ...(await this.hash(password)), createdMs: now, updatedMs: now };
    this.users.set(name, user);
    await this.save();
    return this.get(name) as UserInfo;
  }

  async setPassword(name: string, password: string): Promise<void> {
    const u = this.users.get(name);
    if (!u) throw new ApiError(404, 'BW_ERR_USER_NOT_FOUND', `no user '${name}'`);
    checkPassword(password);
    Object.assign(u, await this.hash(password), { updatedMs: Date.now() });
    await this.save();
  }

  async setRole(name: string, role: Role): Promise<void> {
    const u = this.users.get(name);
    if (!u) throw new ApiError(404, 'BW_ERR_USER_NOT_FOUND', `no user '${name}'`);
    u.role = role;
    u.updatedMs = Date.now();
    await this.save();
  }

  async remove(name: string): Promise<void> {
    if (!this.users.delete(name)) throw new ApiError(404, 'BW_ERR_USER_NOT_FOUND', `no user '${name}'`);
    await this.save();
  }

  /** The user when the password matches, else null. Same cost whether or not the user exists. */
  async verify(name: string, password: string): Promise<UserInfo | null> {
    let u = this.users.get(name);
    const known = !!u;
    if (!u) {
      this.dummy ??= {
        name: '',
        role: 'viewer',
        ...(await this.hash(randomBytes(16).toString('hex'))),
        createdMs: 0,
        updatedMs: 0,
      };
      u = this.dummy;
    }
    const expected = Buffer.from(u.hash, 'base64');
    const got = await scrypt(password, Buffer.from(u.salt, 'base64'), u.cost);
    const ok = got.length === expected.length && timingSafeEqual(got, expected);
    return ok && known ? this.get(name) : null;
  }

  private async hash(password: string): Promise<Pick<StoredUser, 'salt' | 'hash' | 'cost'>> {
    const salt = randomBytes(16);
    const key = await scrypt(password, salt, this.cost);
    return { salt: salt.toString('base64'), hash: key.toString('base64'), cost: { ...this.cost } };
  }

  /** Atomic replace (write temp, rename), serialised so concurrent edits cannot interleave. */
  private save(): Promise<void> {
    const doc = JSON.stringify({ version: 1, users: [...this.users.values()] }, null, 2) + '\n';
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, doc, { mode: 0o600 });
      await rename(tmp, this.file);
    });
    return this.writing;
  }
}

function checkPassword(password: string): void {
  if (typeof password !== 'string' || [...password].length < MIN_PASSWORD_LENGTH) {
    throw new ApiError(400, 'BW_ERR_VALIDATION', `password must have at least ${MIN_PASSWORD_LENGTH} characters`, {
      field: 'password',
    });
  }
}

/** A random password for the first admin: 18 base64url characters (108 bits). */
export function randomPassword(): string {
  return randomBytes(14).toString('base64url').slice(0, 18);
}
