/**
 * Server-side session store. The browser holds only a random id in an HttpOnly SameSite=Strict cookie; the
 * session carries the user, role and the CSRF token that state-changing requests must echo in `x-csrf-token`.
 * Expiry slides with use (a wall screen left open for days stays logged in while it polls or streams) and is
 * capped by an absolute lifetime.
 *
 * With a `file` (the server uses `<dataDir>/sessions.json`) sessions survive a restart. The file holds the
 * SHA-256 of each session id, never the id itself, and no CSRF token (it is derived from the id), so a copy of
 * the data dir hands out no live session. Writes are atomic (temp file + rename, mode 0600) and coalesced:
 * logins and `lastSeen` advances wait `saveDelayMs`; logouts and log-outs-everywhere are written at once.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../../errors.ts';
import { ROLES, type Role } from './users.ts';

export interface Session {
  id: string;
  user: string;
  role: Role;
  csrfToken: string;
  ip: string;
  createdMs: number;
  lastSeenMs: number;
}

/** What the store needs to know of an account to tell whether a session on it is still valid. */
export interface AccountStamp {
  role: Role;
  /** Changes whenever the password or role changes (`UserStore` `updatedMs`), ms. */
  updatedMs: number;
}

export interface SessionStoreOptions {
  /** Idle time after which a session expires, ms. */
  idleTtlMs: number;
  /** Absolute lifetime, ms. */
  maxTtlMs: number;
  now?: () => number;
  /** Persist sessions here (JSON, mode 0600) and restore them at `create()`. Omitted: memory only. */
  file?: string;
  /** Delay that coalesces writes after logins and activity, ms. Default 1000. */
  saveDelayMs?: number;
  /**
   * The account's current role and change stamp, or null when it no longer exists. A session whose account is
   * gone or changed since login (password, role; also by `bandwatch users` while the server was down) is dropped.
   */
  account?: (user: string) => AccountStamp | null;
  /** One-line warnings (sessions file set aside, write failures). Default stderr. */
  warn?: (line: string) => void;
}

export const SESSION_COOKIE = 'bw_session';
export const SESSIONS_FILE_VERSION = 1;

/** `lastSeenMs` advances smaller than this are not worth a write; restored sessions may look this much older. */
const SEEN_RESOLUTION_MS = 60_000;

/** One line of `sessions.json`. */
interface StoredSession {
  /** base64url SHA-256 of the session id (the cookie value). */
  idSha256: string;
  user: string;
  role: Role;
  ip: string;
  createdMs: number;
  lastSeenMs: number;
  /** The account's `updatedMs` at login. */
  accountUpdatedMs?: number;
}

interface Entry {
  /** The live view; `id` and `csrfToken` are '' for a restored session until its cookie is presented. */
  session: Session;
  idSha256: string;
  accountUpdatedMs?: number;
  savedSeenMs: number;
}

function sha256(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** The CSRF token of a session: bound to the id, so it need not be stored and survives a restart. */
function csrfFor(id: string): string {
  return createHmac('sha256', id).update('bandwatch-csrf-v1').digest('base64url');
}

export class SessionStore {
  private entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly warn: (line: string) => void;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  /** False after the file could not be set aside: never overwrite evidence. */
  private persist: boolean;
  /** Failed writes of the sessions file (disk full ...); sessions still work in memory. */
  saveFailures = 0;

  /** A memory-only store, or an empty persistent one: use `create()` to restore from `file`. */
  constructor(private readonly opts: SessionStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.warn = opts.warn ?? ((l) => process.stderr.write(l + '\n'));
    this.persist = !!opts.file;
  }

  /**
   * A store restored from `opts.file`: expired sessions and those of deleted or changed accounts are dropped.
   * A corrupt or unreadable file never stops the start: it is renamed `<file>.bad-<time>`, one line is
   * warned, and the store starts empty (users log in again).
   */
  static async create(opts: SessionStoreOptions): Promise<SessionStore> {
    const store = new SessionStore(opts);
    if (opts.file) await store.restore(opts.file);
    return store;
  }

  create(user: string, role: Role, ip: string): Session {
    const now = this.now();
    const id = randomBytes(32).toString('base64url');
    const s: Session = { id, user, role, csrfToken: csrfFor(id), ip, createdMs: now, lastSeenMs: now };
    const e: Entry = { session: s, idSha256: sha256(id), savedSeenMs: now };
    const stamp = this.opts.account?.(user);
    if (stamp) e.accountUpdatedMs = stamp.updatedMs;
    this.entries.set(e.idSha256, e);
    this.schedule(false);
    return s;
  }

  /** The live session for an id (touching it), or null when unknown, expired or its account changed. */
  get(id: string | undefined): Session | null {
    if (!id) return null;
    const key = sha256(id);
    const e = this.entries.get(key);
    if (!e) return null;
    const now = this.now();
    if (this.expired(e, now) || this.stale(e)) {
      this.entries.delete(key);
      this.schedule(true);
      return null;
    }
    if (!e.session.id) {
      e.session.id = id;
      e.session.csrfToken = csrfFor(id);
    }
    e.session.lastSeenMs = now;
    if (now - e.savedSeenMs >= SEEN_RESOLUTION_MS) this.schedule(false);
    return e.session;
  }

  destroy(id: string): void {
    if (this.entries.delete(sha256(id))) this.schedule(true);
  }

  /** Log a user out everywhere (password change, removal). */
  destroyUser(user: string): void {
    let n = 0;
    for (const [key, e] of this.entries) if (e.session.user === user && this.entries.delete(key)) n++;
    if (n > 0) this.schedule(true);
  }

  /** Drop expired sessions (called on a timer). */
  sweep(): number {
    const now = this.now();
    let n = 0;
    for (const [key, e] of this.entries) {
      if (this.expired(e, now) || this.stale(e)) {
        this.entries.delete(key);
        n++;
      }
    }
    if (n > 0) this.schedule(false);
    return n;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Write pending changes now (shutdown, tests). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.save();
  }

  private expired(e: Entry, now: number): boolean {
    const s = e.session;
    return now - s.lastSeenMs > this.opts.idleTtlMs || now - s.createdMs > this.opts.maxTtlMs;
  }

  private stale(e: Entry): boolean {
    if (!this.opts.account) return false;
    const a = this.opts.account(e.session.user);
    return !a || a.role !== e.session.role || (e.accountUpdatedMs !== undefined && a.updatedMs !== e.accountUpdatedMs);
  }

  private schedule(urgent: boolean): void {
    this.dirty = true;
    if (!this.persist) return;
    if (urgent && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.save();
      },
      urgent ? 0 : (this.opts.saveDelayMs ?? 1000),
    );
    // A pending write must not keep a finished process alive; close() flushes.
    this.timer.unref();
  }

  /** Serialised: the snapshot is taken when the write starts, so the newest state always lands last. */
  private save(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const file = this.opts.file;
      if (!this.dirty || !this.persist || !file) return;
      this.dirty = false;
      const stored: StoredSession[] = [...this.entries.values()].map((e) => ({
        idSha256: e.idSha256,
        user: e.session.user,
        role: e.session.role,
        ip: e.session.ip,
        createdMs: e.session.createdMs,
        lastSeenMs: e.session.lastSeenMs,
        ...(e.accountUpdatedMs !== undefined ? { accountUpdatedMs: e.accountUpdatedMs } : {}),
      }));
      const doc = JSON.stringify({ version: SESSIONS_FILE_VERSION, sessions: stored }) + '\n';
      try {
        await writeAtomically(file, doc);
        for (const e of this.entries.values()) e.savedSeenMs = e.session.lastSeenMs;
      } catch (err) {
        this.dirty = true;
        if (this.saveFailures++ === 0)
          this.warn(`sessions: cannot write ${file} (${(err as Error).message}); sessions are kept in memory only`);
      }
    });
    return this.writing;
  }

  private async restore(file: string): Promise<void> {
    let stored: StoredSession[];
    try {
      stored = parseSessionsFile(await readFile(file, 'utf8'), file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      const why = e instanceof ConfigError ? `${e.code}: ${e.message}` : `BW_ERR_SESSIONS_FILE: ${file}: ${String(e)}`;
      const aside = `${file}.bad-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
      try {
        await rename(file, aside);
        this.warn(`sessions: cannot restore (${why}); kept it as ${aside}; starting with no sessions (log in again)`);
      } catch (re) {
        this.persist = false;
        this.warn(
          `sessions: cannot restore (${why}) nor set it aside (${(re as Error).message}); starting with no sessions, not saving them`,
        );
      }
      return;
    }
    const now = this.now();
    for (const s of stored) {
      const e: Entry = {
        session: {
          id: '',
          csrfToken: '',
          user: s.user,
          role: s.role,
          ip: s.ip,
          createdMs: s.createdMs,
          lastSeenMs: s.lastSeenMs,
        },
        idSha256: s.idSha256,
        savedSeenMs: s.lastSeenMs,
      };
      if (s.accountUpdatedMs !== undefined) e.accountUpdatedMs = s.accountUpdatedMs;
      if (this.expired(e, now) || this.stale(e)) this.dirty = true;
      else this.entries.set(e.idSha256, e);
    }
    if (this.dirty) this.schedule(true);
  }
}

/** Validate a sessions file; anything unexpected is `BW_ERR_SESSIONS_FILE` naming the field. */
function parseSessionsFile(text: string, file: string): StoredSession[] {
  const fail = (msg: string, field?: string) =>
    new ConfigError('BW_ERR_SESSIONS_FILE', msg, field ? { file, field } : { file });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw fail(`not valid JSON: ${(e as Error).message}`);
  }
  const d = doc as { version?: unknown; sessions?: unknown } | null;
  if (!d || d.version !== SESSIONS_FILE_VERSION)
    throw fail(`not a version ${SESSIONS_FILE_VERSION} sessions file`, 'version');
  if (!Array.isArray(d.sessions)) throw fail('missing "sessions" array', 'sessions');
  return d.sessions.map((raw: unknown, i) => {
    const s = raw as Partial<StoredSession> | null;
    const ok =
      !!s &&
      typeof s.idSha256 === 'string' &&
      /^[A-Za-z0-9_-]{43}$/.test(s.idSha256) &&
      typeof s.user === 'string' &&
      ROLES.includes(s.role as Role) &&
      typeof s.ip === 'string' &&
      Number.isFinite(s.createdMs) &&
      Number.isFinite(s.lastSeenMs) &&
      (s.accountUpdatedMs === undefined || Number.isFinite(s.accountUpdatedMs));
    if (!ok) throw fail('malformed session entry', `sessions[${i}]`);
    return s as StoredSession;
  });
}

/** Temp file in the same directory, fsync, rename: a crash leaves the old file or the new one, never half. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await rm(tmp, { force: true });
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(session: Session, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
