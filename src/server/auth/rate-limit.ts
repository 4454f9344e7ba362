/**
 * Login rate limiting: sliding windows of attempts per client IP and of failures per user name, so that neither
 * one address guessing many accounts nor many addresses guessing one account get far.
 */
export interface LoginLimitOptions {
  windowMs: number;
  /** Attempts (success or not) per IP per window. */
  maxPerIp: number;
  /** Failed attempts per user name per window. */
  maxFailuresPerUser: number;
  now?: () => number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimitOptions = { windowMs: 5 * 60_000, maxPerIp: 20, maxFailuresPerUser: 5 };

export class LoginRateLimiter {
  private byIp = new Map<string, number[]>();
  private byUser = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly opts: LoginLimitOptions = DEFAULT_LOGIN_LIMITS) {
    this.now = opts.now ?? Date.now;
  }

  /** Null when the attempt may go ahead, else the seconds to wait. Records the attempt for the IP. */
  check(ip: string, user: string): number | null {
    const now = this.now();
    const ipHits = this.prune(this.byIp, ip, now);
    const userHits = this.prune(this.byUser, user.toLowerCase(), now);
    if (ipHits.length >= this.opts.maxPerIp) return this.wait(ipHits, now);
    if (userHits.length >= this.opts.maxFailuresPerUser) return this.wait(userHits, now);
    ipHits.push(now);
    this.byIp.set(ip, ipHits);
    return null;
  }

  failed(user: string): void {
    const key = user.toLowerCase();
    const hits = this.prune(this.byUser, key, this.now());
    hits.push(this.now());
    this.byUser.set(key, hits);
  }

  succeeded(user: string): void {
    this.byUser.delete(user.toLowerCase());
  }

  private prune(map: Map<string, number[]>, key: string, now: number): number[] {
    const hits = (map.get(key) ?? []).filter((t) => now - t < this.opts.windowMs);
    if (hits.length === 0) map.delete(key);
    else map.set(key, hits);
    // Bound memory under a spray of random user names.
    if (map.size > 10_000) map.clear();
    return hits;
  }

  private wait(hits: number[], now: number): number {
    return Math.max(1, Math.ceil(((hits[0] ?? now) + this.opts.windowMs - now) / 1000));
  }
}
