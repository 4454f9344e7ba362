/** OpenAPI 3.1 description built from the route table (the same schemas fastify validates with). */
import { errorSchema } from './schemas.ts';
import type { RouteDef } from './context.ts';

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'invalid request (validation)',
  '401': 'not logged in',
  '403': 'role too low or CSRF token missing/wrong',
  '404': 'not found',
  '409': 'conflict with the current state',
  '429': 'too many login attempts',
  '500': 'internal error (details in the server log)',
};

function toParameters(schema: object | undefined, where: 'path' | 'query'): object[] {
  const s = schema as { properties?: Record<string, object>; required?: string[] } | undefined;
  if (!s?.properties) return [];
  return Object.entries(s.properties).map(([name, sch]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    schema: sch,
  }));
}

export function buildOpenApi(routes: RouteDef[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      operationId: r.action,
      summary: r.summary,
      tags: [r.tag],
      description: r.role === 'public' ? 'No session needed.' : `Needs role: ${r.role} or higher.`,
      parameters: [...toParameters(r.schema.params, 'path'), ...toParameters(r.schema.querystring, 'query')],
      responses: {
        [String(r.successStatus ?? 200)]: {
          description: 'success',
          content: { 'application/json': { schema: r.schema.response ?? { type: 'object' } } },
        },
        ...Object.fromEntries(
          Object.entries(ERROR_RESPONSES).map(([code, description]) => [
            code,
            { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          ]),
        ),
      },
    };
    if (r.schema.body) op.requestBody = { required: true, content: { 'application/json': { schema: r.schema.body } } };
    if (r.role !== 'public') op.security = [{ session: [] }];
    if (r.method !== 'GET' && r.role !== 'public') {
      op.parameters = [
        ...(op.parameters as object[]),
        { name: 'x-csrf-token', in: 'header', required: true, schema: { type: 'string' } },
      ];
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  const { $id: _id, ...error } = errorSchema;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bandwatch console API',
      version,
      description:
        'Spectrum monitor console. Log in with POST /api/auth/login; send the returned csrfToken in x-csrf-token on ' +
        'every state-changing request. Live data: WebSocket /api/stream (binary frames, see docs/api.md).',
    },
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'bw_session' } },
      schemas: { Error: error },
    },
    paths,
  };
}
