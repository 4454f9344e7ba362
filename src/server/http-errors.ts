/**
 * The one error handler: every error leaves as `{error: {code, message}}` with a stable code. Validation and
 * domain errors say what and where; anything unexpected becomes a 500 whose details stay in the server log
 * (the client gets a reference id only).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, PlanError, isTypedError } from '../errors.ts';

export interface ErrorBody {
  error: { code: string; message: string; field?: string; problems?: { field?: string; message: string }[] };
}

export function errorBody(code: string, message: string, extra: Partial<ErrorBody['error']> = {}): ErrorBody {
  return { error: { code, message, ...extra } };
}

/** Map an error to status and body. Exported for the WebSocket gateway and tests. */
export function toHttpError(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  const e = err as FastifyError & { validationContext?: string };
  if (e && Array.isArray(e.validation) && e.validation.length > 0) {
    const problems = e.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
      const extra = (v.params as { additionalProperty?: string } | undefined)?.additionalProperty;
      const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const field = [path, missing ?? extra].filter(Boolean).join('.');
      const msg = extra ? `unknown property '${extra}'` : (v.message ?? 'invalid');
      return { field: `${e.validationContext ?? 'request'}${field ? '.' + field : ''}`, message: msg };
    });
    const first = problems[0] as { field: string; message: string };
    return {
      status: 400,
      body: errorBody('BW_ERR_VALIDATION', `${first.field}: ${first.message}`, { field: first.field, problems }),
      internal: false,
    };
  }
  if (err instanceof PlanError) {
    return {
      status: 422,
      body: errorBody(err.code, err.message, {
        problems: err.problems.map((p) => ({ field: p.location.field, message: p.message })),
      }),
      internal: false,
    };
  }
  if (err instanceof ApiError) {
    return {
      status: err.statusCode,
      body: errorBody(err.code, err.message, err.location?.field ? { field: err.location.field } : {}),
      internal: err.statusCode >= 500,
    };
  }
  if (isTypedError(err)) {
    // Typed errors of any layer (app, bridge, dsp) are written for users; their messages are safe to show.
    const status = /NOT_FOUND/.test(err.code) ? 404 : 409;
    return { status, body: errorBody(err.code, err.message), internal: false };
  }
  // fastify's own client errors (bad JSON, wrong content type, body too large) have safe messages.
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code =
      e.statusCode === 413 ? 'BW_ERR_TOO_LARGE' : e.statusCode === 415 ? 'BW_ERR_MEDIA_TYPE' : 'BW_ERR_BAD_REQUEST';
    return { status: e.statusCode, body: errorBody(code, String(e.message).slice(0, 300)), internal: false };
  }
  return { status: 500, body: errorBody('BW_ERR_INTERNAL', 'internal error'), internal: true };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const { status, body, internal } = toHttpError(err);
    if (internal) {
      req.log.error({ err, url: req.url, method: req.method, user: req.session?.user }, 'request failed');
      body.error.message = `internal error (reference ${req.id})`;
    }
    return reply.code(status).type('application/json').send(body);
  });
}
