/**
 * What route handlers share: the monitor, accounts, sessions, audit log, stream hub and optional history.
 * Route modules declare routes as data (`RouteDef`) so the OpenAPI document is built from the same schemas
 * fastify validates with.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MonitorApi } from '../types.ts';
import type { AuditLog } from './audit.ts';
import type { LoginRateLimiter } from './auth/rate-limit.ts';
import type { Session, SessionStore } from './auth/sessions.ts';
import type { Role, UserStore } from './auth/users.ts';
import type { WaterfallHistory } from './history.ts';
import type { NoteStore } from './notes.ts';
import type { StreamHub } from './stream/hub.ts';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
    /** Extra facts for this request's audit line (set by handlers). */
    auditDetail: Record<string, unknown> | null;
  }
  interface FastifyContextConfig {
    /** Minimum role; 'public' = no session needed (login only). */
    role?: Role | 'public';
    /** Audit action name. */
    action?: string;
  }
}

export interface ConsoleContext {
  monitor: MonitorApi;
  users: UserStore;
  sessions: SessionStore;
  audit: AuditLog;
  limiter: LoginRateLimiter;
  hub: StreamHub;
  history: WaterfallHistory | null;
  notes: NoteStore;
  secureCookies: boolean;
  startedMs: number;
}

export interface RouteSchema {
  params?: object;
  querystring?: object;
  body?: object;
  /** Documented success response (not used for serialisation: engine objects may carry extra fields). */
  response?: object;
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  role: Role | 'public';
  action: string;
  summary: string;
  tag: string;
  schema: RouteSchema;
  /** Status of the documented success response. */
  successStatus?: number;
  handler: (req: FastifyRequest, reply: FastifyReply, ctx: ConsoleContext) => Promise<unknown>;
}

/** Identity for typing route tables. */
export function route(def: RouteDef): RouteDef {
  return def;
}
