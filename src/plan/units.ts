/**
 * Values a plan author writes by hand: frequencies with units ("145.5 MHz", "12.5k", 145500000) and times
 * (ISO 8601 strings or ms since the epoch). Each parser returns a number or the reason it could not.
 */

const FREQ_UNITS: Record<string, number> = { '': 1, hz: 1, k: 1e3, khz: 1e3, m: 1e6, mhz: 1e6, g: 1e9, ghz: 1e9 };

/** Frequency or bandwidth in Hz from a number (Hz) or a string with an optional unit. */
export function parseHz(value: unknown): number | string {
  if (typeof value === 'number') return Number.isFinite(value) ? value : `'${value}' is not a finite number`;
  if (typeof value !== 'string')
    return `expected a frequency in Hz (number or e.g. "145.5 MHz"), got ${describe(value)}`;
  const m = /^\s*([+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m?.[2]?.toLowerCase() ?? '';
  if (!m || !(unit in FREQ_UNITS)) return `'${value}' is not a frequency (use Hz, or a number with Hz/kHz/MHz/GHz)`;
  return Math.round(Number(m[1]) * FREQ_UNITS[unit]! * 1000) / 1000;
}

/** Time in ms since the epoch from a number (ms) or an ISO 8601 string with a zone. */
export function parseTimeMs(value: unknown): number | string {
  if (typeof value === 'number') return Number.isFinite(value) ? value : `'${value}' is not a finite time`;
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return `expected an ISO 8601 time or ms since the epoch, got ${describe(value)}`;
  // A time without a zone would silently depend on the host's zone: the venue and the server may differ.
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(value.trim())) return `time '${value}' needs a zone (Z or +07:00)`;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : `'${value}' is not an ISO 8601 time`;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
