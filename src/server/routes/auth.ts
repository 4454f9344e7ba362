/** Login, logout, current session. */
import { ApiError } from '../../errors.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import { route, type RouteDef } from '../context.ts';
import { loginBody, passwordBody } from '../schemas.ts';

const sessionResponse = {
  type: 'object',
  properties: { user: { type: 'string' }, role: { type: 'string' }, csrfToken: { type: 'string' } },
};

export const authRoutes: RouteDef[] = [
  route({
    method: 'POST',
    url: '/api/auth/login',
    role: 'public',
    action: 'login',
    summary: 'Log in; sets the HttpOnly session cookie and returns the CSRF token',
    tag: 'auth',
    schema: { body: loginBody, response: sessionResponse },
    async handler(req, reply, ctx) {
      const { username, password } = req.body as { username: string; password: string };
      req.auditDetail = { username };
      const wait = ctx.limiter.check(req.ip, username);
      if (wait !== null) {
        reply.header('retry-after', String(wait));
        throw new ApiError(429, 'BW_ERR_RATE_LIMITED', `too many login attempts; try again in ${wait} s`);
      }
      const user = await ctx.users.verify(username, password);
      if (!user) {
        ctx.limiter.failed(username);
        throw new ApiError(401, 'BW_ERR_LOGIN_FAILED', 'wrong user name or password');
      }
      ctx.limiter.succeeded(username);
      const s = ctx.sessions.create(user.name, user.role, req.ip);
      req.session = s;
      reply.setCookie(SESSION_COOKIE, s.id, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.secureCookies,
        path: '/',
      });
      return { user: s.user, role: s.role, csrfToken: s.csrfToken };
    },
  }),
  route({
    method: 'POST',
    url: '/api/auth/logout',
    role: 'viewer',
    action: 'logout',
    summary: 'Log out (ends the session)',
    tag: 'auth',
    schema: {},
    async handler(req, reply, ctx) {
      if (req.session) ctx.sessions.destroy(req.session.id);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  }),
  route({
    method: 'GET',
    url: '/api/auth/session',
    role: 'viewer',
    action: 'session',
    summary: 'The current session: user, role, CSRF token',
    tag: 'auth',
    schema: { response: sessionResponse },
    async handler(req) {
      const s = req.session;
      if (!s) throw new ApiError(401, 'BW_ERR_UNAUTHENTICATED', 'not logged in');
      return { user: s.user, role: s.role, csrfToken: s.csrfToken };
    },
  }),
  route({
    method: 'POST',
    url: '/api/auth/password',
    role: 'viewer',
    action: 'change-own-password',
    summary: 'Change your own password (ends your other sessions)',
    tag: 'auth',
    schema: { body: passwordBody },
    async handler(req, _reply, ctx) {
      const s = req.session;
      if (!s) throw new ApiError(401, 'BW_ERR_UNAUTHENTICATED', 'not logged in');
      await ctx.users.setPassword(s.user, (req.body as { password: string }).password);
      ctx.sessions.destroyUser(s.user);
      const fresh = ctx.sessions.create(s.user, s.role, req.ip);
      _reply.setCookie(SESSION_COOKIE, fresh.id, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.secureCookies,
        path: '/',
      });
      return { user: fresh.user, role: fresh.role, csrfToken: fresh.csrfToken };
    },
  }),
];
