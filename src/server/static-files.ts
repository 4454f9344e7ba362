/** Serves the built console (web/dist) without a plugin: a handful of files, path traversal refused. */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyReply } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wav': 'audio/wav',
};

const MISSING_BUILD = `<!doctype html><meta charset="utf-8"><title>Bandwatch</title>
<p>The console is not built. Run <code>npm run build</code> (or <code>npm start</code>, which builds first).</p>`;

/** Send `urlPath` from `root`; unknown paths get index.html (client-side views), missing build a hint page. */
export async function sendStatic(root: string, urlPath: string, reply: FastifyReply): Promise<FastifyReply> {
  let rel = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  if (rel.endsWith('/')) rel += 'index.html';
  const full = normalize(join(root, rel));
  if (!full.startsWith(normalize(root) + sep) && full !== normalize(root)) {
    return reply.code(404).type('text/plain').send('not found');
  }
  let file = full;
  try {
    if (!(await stat(file)).isFile()) file = join(root, 'index.html');
  } catch {
    // Paths with an extension are assets: a missing one is a 404, not the app page.
    if (extname(rel)) return reply.code(404).type('text/plain').send('not found');
    file = join(root, 'index.html');
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return reply.code(503).type('text/html; charset=utf-8').send(MISSING_BUILD);
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  reply.header('cache-control', file.endsWith('index.html') ? 'no-cache' : 'public, max-age=300');
  return reply.type(type).send(body);
}
