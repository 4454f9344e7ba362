/** Administration: accounts and the audit log. */
import { ApiError } from '../../errors.ts';
import type { Role } from '../auth/users.ts';
import { route, type RouteDef } from '../context.ts';
import { addUserBody, auditQuery, passwordBody, userParams } from '../schemas.ts';

export const adminRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/api/users',
    role: 'admin',
    action: 'list-users',
    summary: 'Accounts (never the password hashes)',
    tag: 'users',
    schema: {},
    async handler(_req, _reply, ctx) {
      return ctx.users.list();
    },
  }),
  route({
    method: 'POST',
    url: '/api/users',
    role: 'admin',
    action: 'add-user',
    summary: 'Create an account',
    tag: 'users',
    successStatus: 201,
    schema: { body: addUserBody },
    async handler(req, reply, ctx) {
      const b = req.body as { name: string; role: Role; password: string };
      req.auditDetail = { name: b.name, role: b.role };
      return reply.code(201).send(await ctx.users.add(b.name, b.role, b.password));
    },
  }),
  route({
    method: 'PUT',
    url: '/api/users/:name/password',
    role: 'admin',
    action: 'set-user-password',
    summary: "Set an account's password (logs it out everywhere)",
    tag: 'users',
    schema: { params: userParams, body: passwordBody },
    async handler(req, _reply, ctx) {
      const { name } = req.params as { name: string };
      await ctx.users.setPassword(name, (req.body as { password: string }).password);
      ctx.sessions.destroyUser(name);
      return { ok: true };
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/users/:name',
    role: 'admin',
    action: 'remove-user',
    summary: 'Remove an account (not your own)',
    tag: 'users',
    schema: { params: userParams },
    async handler(req, _reply, ctx) {
      const { name } = req.params as { name: string };
      if (name === req.session?.user) {
        throw new ApiError(409, 'BW_ERR_SELF_REMOVE', 'you cannot remove your own account');
      }
      await ctx.users.remove(name);
      ctx.sessions.destroyUser(name);
      return { ok: true };
    },
  }),
  route({
    method: 'GET',
    url: '/api/audit',
    role: 'admin',
    action: 'read-audit',
    summary: 'Newest audit entries',
    tag: 'users',
    schema: { querystring: auditQuery },
    async handler(req, _reply, ctx) {
      return ctx.audit.tail((req.query as { limit: number }).limit);
    },
  }),
];
