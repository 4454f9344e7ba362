/**
 * The console server: REST API (fastify), live streams (ws on the same HTTP server), the built web console.
 *
 * ```ts
 * const server = await createServer(monitor, { dataDir: 'data' });
 * await server.listen();           // 127.0.0.1:8073 unless told otherwise
 * console.log(server.url);
 * await server.close();
 * ```
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ApiError, ConfigError } from '../errors.ts';
import type { MonitorApi } from '../types.ts';
import { AuditLog } from './audit.ts';
import { DEFAULT_LOGIN_LIMITS, LoginRateLimiter, type LoginLimitOptions } from './auth/rate-limit.ts';
import { csrfMatches, SESSION_COOKIE, SessionStore, type SessionStoreOptions } from './auth/sessions.ts';
import { randomPassword, roleRank, UserStore, type ScryptCost } from './auth/users.ts';
import type { ConsoleContext, RouteDef } from './context.ts';
import { RecentLinesHistory, type RecentLinesOptions, type WaterfallHistory } from './history.ts';
import { errorBody, installErrorHandling } from './http-errors.ts';
import { NoteStore } from './notes.ts';
import type { RotationOptions } from './rotating-log.ts';
import { buildOpenApi } from './openapi.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { monitorRoutes } from './routes/monitor.ts';
import { reportRoutes } from './routes/reports.ts';
import { sendStatic } from './static-files.ts';
import { StreamHub } from './stream/hub.ts';
import { attachStreamGateway } from './ws-gateway.ts';

export interface ConsoleServerOptions {
  /** Directory for users.json, sessions.json, audit.jsonl and notes.jsonl (and their rotated files). */
  dataDir: string;
  /** Listen address; loopback unless deliberately exposed. Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 = any free port. Default 8073. */
  port?: number;
  /** PEM key and certificate paths: serve HTTPS/WSS and mark cookies Secure. */
  tls?: { keyPath: string; certPath: string };
  /** Built console directory. Default `<repo>/web/dist`. */
  webRoot?: string;
  /** fastify logger setting. Default false (the CLI passes its own). */
  logger?: boolean | object;
  /** Password for the first `admin` account when no users exist (else BANDWATCH_ADMIN_PASSWORD, else random). */
  adminPassword?: string;
  /** Where first-start instructions go. Default stdout. */
  print?: (line: string) => void;
  /** scrypt cost (tests lower it). */
  scryptCost?: ScryptCost;
  loginLimits?: Partial<LoginLimitOptions>;
  /** Expiry and write coalescing of the sessions, which persist in `<dataDir>/sessions.json`. */
  session?: Partial<Omit<SessionStoreOptions, 'file' | 'account' | 'warn'>>;
  /** Size rotation of audit.jsonl and notes.jsonl: `maxBytes` (default 10 MiB), `keep` old files (default 10). */
  logs?: RotationOptions;
  /** Notes loaded at start and served by the notes API (the newest; default 10 000). */
  maxNotes?: number;
  stream?: { highWaterBytes?: number; stallCloseMs?: number; pingMs?: number };
  /**
   * Waterfall history for the history view and evidence links. Default: an in-memory ring of the last hour
   * fed by the monitor's spectrum lines (`recentHistory` tunes it); null disables history (the API says 503).
   */
  history?: WaterfallHistory | null;
  recentHistory?: RecentLinesOptions;
  /** Version string for the OpenAPI document. */
  version?: string;
}

export interface ConsoleServer {
  readonly app: FastifyInstance;
  readonly ctx: ConsoleContext;
  /** Base URL once listening (e.g. http://127.0.0.1:8073), '' before. */
  readonly url: string;
  /** Set when this start created the first admin account. */
  readonly initialAdminPassword: string | null;
  listen(): Promise<string>;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_WEB_ROOT = join(here, '..', '..', 'web', 'dist');
export const DEFAULT_PORT = 8073;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const ALL_ROUTES: RouteDef[] = [...authRoutes, ...monitorRoutes, ...adminRoutes, ...reportRoutes];

async function readTls(tls: { keyPath: string; certPath: string }): Promise<{ key: Buffer; cert: Buffer }> {
  const read = async (file: string, field: string) => {
    try {
      return await readFile(file);
    } catch (e) {
      throw new ConfigError('BW_ERR_TLS', `cannot read TLS ${field}: ${(e as Error).message}`, { file, field });
    }
  };
  return { key: await read(tls.keyPath, 'keyPath'), cert: await read(tls.certPath, 'certPath') };
}

export async function createServer(monitor: MonitorApi, options: ConsoleServerOptions): Promise<ConsoleServer> {
  const print = options.print ?? ((l: string) => process.stdout.write(l + '\n'));
  const https = options.tls ? await readTls(options.tls) : null;
  const users = await UserStore.create(join(options.dataDir, 'users.json'), options.scryptCost);
  let initialAdminPassword: string | null = null;
  if (users.size === 0) {
    initialAdminPassword = options.adminPassword ?? process.env.BANDWATCH_ADMIN_PASSWORD ?? randomPassword();
    await users.add('admin', 'admin', initialAdminPassword);
  }
  const sessions = await SessionStore.create({
    idleTtlMs: options.session?.idleTtlMs ?? 12 * 3600_000,
    maxTtlMs: options.session?.maxTtlMs ?? 30 * 24 * 3600_000,
    now: options.session?.now,
    saveDelayMs: options.session?.saveDelayMs,
    file: join(options.dataDir, 'sessions.json'),
    // A session outlives a restart only while its account is unchanged (not removed, same role and password).
    account: (name) => users.get(name),
    warn: print,
  });
  const hub = new StreamHub(monitor);
  let history: WaterfallHistory | null;
  let ownHistory: RecentLinesHistory | null = null;
  if (options.history === undefined) {
    ownHistory = new RecentLinesHistory(options.recentHistory).attach(monitor);
    history = ownHistory;
  } else {
    history = options.history;
  }
  const ctx: ConsoleContext = {
    monitor,
    users,
    sessions,
    audit: new AuditLog(join(options.dataDir, 'audit.jsonl'), options.logs),
    limiter: new LoginRateLimiter({ ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits }),
    hub,
    history,
    notes: await NoteStore.create(join(options.dataDir, 'notes.jsonl'), {
      rotation: options.logs,
      maxNotes: options.maxNotes,
      warn: print,
    }),
    secureCookies: !!https,
    startedMs: Date.now(),
  };

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 4 * 1024 * 1024,
    ...(https ? { https } : {}),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  }) as unknown as FastifyInstance;
  await app.register(fastifyCookie);
  app.decorateRequest('session', null);
  app.decorateRequest('auditDetail', null);
  installErrorHandling(app);

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const role = req.routeOptions.config?.role;
    if (role === 'public') return;
    const session = sessions.get(req.cookies[SESSION_COOKIE]);
    if (!session) throw new ApiError(401, 'BW_ERR_UNAUTHENTICATED', 'log in first');
    req.session = session;
    if (!SAFE_METHODS.has(req.method) && !csrfMatches(session, req.headers['x-csrf-token'])) {
      throw new ApiError(403, 'BW_ERR_CSRF', 'missing or wrong x-csrf-token header');
    }
    if (role && roleRank(session.role) < roleRank(role)) {
      throw new ApiError(403, 'BW_ERR_FORBIDDEN', `needs role ${role}; you are ${session.role}`);
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    // A route may set a stricter page-specific policy (the printable reports); everything else gets this one.
    if (!reply.hasHeader('content-security-policy'))
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
      );
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  // Every state-changing request, and every refused one, leaves an audit line: who, what, when, from where.
  app.addHook('onResponse', async (req: FastifyRequest, reply) => {
    if (!req.url.startsWith('/api/')) return;
    const status = reply.statusCode;
    if (SAFE_METHODS.has(req.method) && status !== 403) return;
    const cfg = req.routeOptions.config;
    ctx.audit.record({
      user: req.session?.user ?? null,
      role: req.session?.role ?? null,
      ip: req.ip,
      action: cfg?.action ?? `${req.method} ${req.url.split('?')[0]}`,
      target: (req.params as { id?: string; name?: string } | undefined)?.id ?? (req.params as { name?: string })?.name,
      outcome: status < 400 ? 'ok' : status === 401 || status === 403 || status === 429 ? 'denied' : 'failed',
      detail: { status, ...(req.auditDetail ?? {}) },
    });
  });

  for (const r of ALL_ROUTES) {
    app.route({
      method: r.method,
      url: r.url,
      config: { role: r.role, action: r.action },
      schema: {
        ...(r.schema.params ? { params: r.schema.params } : {}),
        ...(r.schema.querystring ? { querystring: r.schema.querystring } : {}),
        ...(r.schema.body ? { body: r.schema.body } : {}),
      },
      handler: (req, reply) => r.handler(req, reply, ctx),
    });
  }
  const openapi = buildOpenApi(ALL_ROUTES, options.version ?? '0.1.0');
  app.get('/api/openapi.json', { config: { role: 'viewer', action: 'openapi' } }, async () => openapi);

  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  app.setNotFoundHandler(async (req, reply) => {
    if (req.url.startsWith('/api/') || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return reply.code(404).send(errorBody('BW_ERR_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));
    }
    return sendStatic(webRoot, req.url, reply);
  });

  hub.start();
  const detachGateway = attachStreamGateway(app, ctx, {
    highWaterBytes: options.stream?.highWaterBytes ?? 1024 * 1024,
    stallCloseMs: options.stream?.stallCloseMs ?? 30_000,
    pingMs: options.stream?.pingMs ?? 30_000,
  });
  const sweeper = setInterval(() => sessions.sweep(), 60_000);
  sweeper.unref();

  let url = '';
  return {
    app,
    ctx,
    get url() {
      return url;
    },
    initialAdminPassword,
    async listen() {
      const host = options.host ?? '127.0.0.1';
      await app.listen({ host, port: options.port ?? DEFAULT_PORT });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : (options.port ?? DEFAULT_PORT);
      url = `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
      if (initialAdminPassword !== null) {
        print(`Bandwatch console: created the first account 'admin'.`);
        print(`  Log in at ${url}/ as admin with password: ${initialAdminPassword}`);
        print(`  Then change it: bandwatch users passwd admin --data-dir ${options.dataDir}`);
      }
      return url;
    },
    async close() {
      clearInterval(sweeper);
      hub.stop();
      ownHistory?.detach();
      detachGateway();
      await app.close();
      await Promise.all([ctx.audit.flush(), ctx.notes.flush(), sessions.flush()]);
    },
  };
}
