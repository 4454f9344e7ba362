import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfigText, parseSweepFlag } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';

describe('config', () => {
  it('has the documented defaults', () => {
    const c = defaultConfig();
    expect(c.dataDir).toBe('./data');
    expect(c.console).toMatchObject({ enabled: true, host: '127.0.0.1', port: 8080 });
    expect(c.storage.influx).toBeUndefined();
    expect(c.sensors).toEqual([]);
  });

  it('reads YAML with sensors, influx and webhooks', () => {
    const c = parseConfigText(
      `dataDir: /var/lib/bandwatch
console: { port: 9000 }
storage:
  influx: { url: http://127.0.0.1:8086, database: bw }
alarms:
  escalateAfterS: 60
  webhooks:
    - { url: http://127.0.0.1:9999/hook, kinds: [jamming], minSeverity: major }
sensors:
  - { id: stage, input: "usb:00000001", centerHz: 470900000, gain: 30 }
  - { id: sweep, input: "rtltcp://127.0.0.1:1234", sweep: [{ startHz: 440000000, stopHz: 450000000 }] }
`,
      'bw.yaml',
    );
    expect(c.dataDir).toBe('/var/lib/bandwatch');
    expect(c.console.port).toBe(9000);
    expect(c.storage.influx).toMatchObject({ url: 'http://127.0.0.1:8086', database: 'bw' });
    expect(c.alarms.webhooks[0]).toMatchObject({ kinds: ['jamming'], minSeverity: 'major' });
    expect(c.sensors.map((s) => s.id)).toEqual(['stage', 'sweep']);
    expect(c.sensors[1]!.sweep).toEqual([{ startHz: 440e6, stopHz: 450e6 }]);
  });

  it('reports every problem with file, line and field', () => {
    let err: unknown;
    try {
      parseConfigText(
        'console:\n  port: 70000\nbogus: 1\nsensors:\n  - { id: a }\n  - { id: a, input: usb, mode: hop }\n',
        'bad.yaml',
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    expect((err as ConfigError).code).toBe('BW_ERR_CONFIG');
    expect(msg).toContain('bad.yaml:2');
    expect(msg).toContain("unknown setting 'bogus'");
    expect(msg).toContain("sensor needs 'input'");
    expect(msg).toContain("duplicate sensor id 'a'");
    expect(msg).toContain("mode must be 'dwell' or 'sweep'");
  });

  it('reads the console log rotation and rejects a fractional file count, naming the field', () => {
    const cfg = parseConfigText('console:\n  logs: { maxBytes: 1048576, keep: 4 }\n', 'ok.yaml');
    expect(cfg.console.logs).toEqual({ maxBytes: 1048576, keep: 4 });
    expect(defaultConfig().console.logs).toBeUndefined();
    expect(() => parseConfigText('console:\n  logs: { keep: 2.5 }\n', 'bad.yaml')).toThrow(/console\.logs\.keep/);
    expect(() => parseConfigText('console:\n  logs: { maxBytes: 10 }\n', 'bad.yaml')).toThrow(/maxBytes/);
  });

  it('parses --sweep ranges', () => {
    expect(parseSweepFlag('440000000:450000000,470e6:472e6')).toEqual([
      { startHz: 440e6, stopHz: 450e6 },
      { startHz: 470e6, stopHz: 472e6 },
    ]);
    expect(() => parseSweepFlag('450000000:440000000')).toThrow(/STOP must be above START/);
    expect(() => parseSweepFlag('1:2')).toThrow(/24-1766/);
  });
});
