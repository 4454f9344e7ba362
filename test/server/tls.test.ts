import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ConsoleServer } from '../../src/server/server.ts';
import { FakeMonitor } from '../helpers/fake-monitor.ts';
import { TEST_SCRYPT } from '../helpers/console-server.ts';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

// Needs the openssl binary to make a throwaway certificate (Debian images have it; skipped otherwise).
describe.skipIf(!hasOpenssl)('TLS', () => {
  let dir: string;
  let server: ConsoleServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bw-tls-'));
    // A throwaway self-signed certificate for 127.0.0.1.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'pipe' },
    );
    server = await createServer(new FakeMonitor(), {
      dataDir: dir,
      port: 0,
      tls: { keyPath: join(dir, 'key.pem'), certPath: join(dir, 'cert.pem') },
      adminPassword: 'tls-admin-pass',
      scryptCost: TEST_SCRYPT,
      print: () => {},
    });
    await server.listen();
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS and marks the session cookie Secure', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'tls-admin-pass' },
    });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('names the missing file when the key path is wrong', async () => {
    await expect(
      createServer(new FakeMonitor(), {
        dataDir: dir,
        tls: { keyPath: join(dir, 'nope.pem'), certPath: join(dir, 'cert.pem') },
        print: () => {},
      }),
    ).rejects.toMatchObject({ code: 'BW_ERR_TLS', message: expect.stringContaining('nope.pem') });
  });
});
