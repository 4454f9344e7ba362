/**
 * Server-side session store. The browser holds only a random id in an HttpOnly SameSite=Strict cookie; the
 * session carries the user, role and the CSRF token that state-changing requests must echo in `x-csrf-token`.
 * Expiry slides with use (a wall screen left open for days stays logged in while it polls or streams) and is
 * capped by an absolute lifetime.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './users.ts';

export interface Session {
  id: string;
  user: string;
  role: Role;
  csrfToken: string;
  ip: string;
  createdMs: number;
  lastSeenMs: number;
}

export interface SessionStoreOptions {
  /** Idle time after which a session expires, ms. */
  idleTtlMs: number;
  /** Absolute lifetime, ms. */
  maxTtlMs: number;
  now?: () => number;
}

export const SESSION_COOKIE = 'bw_session';

export class SessionStore {
  private sessions = new Map<string, Session>();
  private readonly now: () => number;

  constructor(private readonly opts: SessionStoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  create(user: string, role: Role, ip: string): Session {
    const now = this.now();
    const s: Session = {
      id: randomBytes(32).toString('base64url'),
      user,
      role,
      csrfToken: randomBytes(24).toString('base64url'),
      ip,
      createdMs: now,
      lastSeenMs: now,
    };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session for an id (touching it), or null when unknown or expired. */
  get(id: string | undefined): Session | null {
    if (!id) return null;
    const s = this.sessions.get(id);
    if (!s) return null;
    const now = this.now();
    if (now - s.lastSeenMs > this.opts.idleTtlMs || now - s.createdMs > this.opts.maxTtlMs) {
      this.sessions.delete(id);
      return null;
    }
    s.lastSeenMs = now;
    return s;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  /** Log a user out everywhere (password change, removal). */
  destroyUser(user: string): void {
    for (const [id, s] of this.sessions) if (s.user === user) this.sessions.delete(id);
  }

  /** Drop expired sessions (called on a timer). */
  sweep(): number {
    let n = 0;
    for (const id of [...this.sessions.keys()]) {
      const s = this.sessions.get(id);
      if (!s) continue;
      const now = this.now();
      if (now - s.lastSeenMs > this.opts.idleTtlMs || now - s.createdMs > this.opts.maxTtlMs) {
        this.sessions.delete(id);
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.sessions.size;
  }
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(session: Session, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
