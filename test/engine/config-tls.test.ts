import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config.ts';

describe('console TLS settings', () => {
  it('reads console.tls key and certificate paths', () => {
    const cfg = parseConfigText(
      'console:\n  port: 8443\n  tls: { keyPath: /etc/bw/key.pem, certPath: /etc/bw/cert.pem }\n',
      'c.yaml',
    );
    expect(cfg.console.tls).toEqual({ keyPath: '/etc/bw/key.pem', certPath: '/etc/bw/cert.pem' });
    expect(cfg.console.port).toBe(8443);
  });

  it('names the field when a path is missing', () => {
    expect(() => parseConfigText('console:\n  tls: { keyPath: /etc/bw/key.pem }\n', 'c.yaml')).toThrow(
      /c\.yaml:2.*console\.tls/s,
    );
  });

  it('has no TLS by default', () => {
    expect(parseConfigText('', 'c.yaml').console.tls).toBeUndefined();
  });
});
