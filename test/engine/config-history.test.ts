import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfigText } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';

describe('history.keepDays config', () => {
  it('defaults to 14 days and reads the setting', () => {
    expect(defaultConfig().history.keepDays).toBe(14);
    expect(parseConfigText('history: { keepDays: 30 }\n', 'bw.yaml').history.keepDays).toBe(30);
  });

  it('rejects a bad value naming the field and line', () => {
    let err: unknown;
    try {
      parseConfigText('dataDir: ./d\nhistory:\n  keepDays: 0\n', 'bw.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toContain('history.keepDays');
  });
});
