/**
 * ITU-R Radio Regulations Appendix 1 emission designators, e.g. `16K0F3E` (16 kHz, FM, analogue telephony),
 * `8K50F1E`, `200KF8E` (bandwidth written with three significant figures, letter as the decimal point).
 */

/** First symbol of the class: type of modulation of the main carrier. */
const MODULATION: Record<string, string> = {
  N: 'unmodulated carrier',
  A: 'double-sideband AM',
  H: 'single-sideband AM, full carrier',
  R: 'single-sideband AM, reduced carrier',
  J: 'single-sideband AM, suppressed carrier',
  B: 'independent sidebands',
  C: 'vestigial sideband',
  F: 'frequency modulation',
  G: 'phase modulation',
  D: 'amplitude and angle modulation',
  P: 'unmodulated pulses',
  K: 'pulses, amplitude modulated',
  L: 'pulses, width modulated',
  M: 'pulses, position modulated',
  Q: 'pulses, angle modulated',
  V: 'pulses, combination',
  W: 'combination of modes',
  X: 'other',
};
/** Second symbol: nature of the modulating signal. */
const SIGNAL: Record<string, string> = {
  '0': 'no modulating signal',
  '1': 'single digital channel, no subcarrier',
  '2': 'single digital channel, with subcarrier',
  '3': 'single analogue channel',
  '7': 'two or more digital channels',
  '8': 'two or more analogue channels',
  '9': 'composite analogue and digital',
  X: 'other',
};
/** Third symbol: type of information transmitted. */
const INFORMATION: Record<string, string> = {
  N: 'no information',
  A: 'aural telegraphy',
  B: 'automatic telegraphy',
  C: 'facsimile',
  D: 'data, telemetry, telecommand',
  E: 'telephony (incl. sound broadcasting)',
  F: 'television (video)',
  W: 'combination',
  X: 'other',
};
const DETAILS = 'ABCDEFGHJKLMNWX';
const MULTIPLEX = 'NCFTWX';
const MULTIPLIER: Record<string, number> = { H: 1, K: 1e3, M: 1e6, G: 1e9 };

export interface EmissionDesignator {
  /** The designator as given, upper-cased. */
  text: string;
  /** Necessary bandwidth, Hz. */
  bandwidthHz: number;
  modulation: string;
  signal: string;
  information: string;
  /** Human description of the three class symbols. */
  description: string;
}

/** Parse a designator; returns the reason it is malformed as a string instead of throwing, for plan validation. */
export function parseEmissionDesignator(input: string): EmissionDesignator | string {
  const text = input.trim().toUpperCase();
  if (text.length < 7 || text.length > 9) {
    return `emission designator '${input}' must be 4 bandwidth characters + 3 class symbols (+ up to 2 optional), e.g. 16K0F3E`;
  }
  const bw = text.slice(0, 4);
  const letters = [...bw].filter((c) => c in MULTIPLIER);
  if (letters.length !== 1 || ![...bw].every((c) => c in MULTIPLIER || (c >= '0' && c <= '9'))) {
    return `bandwidth part '${bw}' of '${input}' must be 3 digits and one of H, K, M, G as the decimal point`;
  }
  if (bw[0] === '0') return `bandwidth part '${bw}' of '${input}' must not start with 0`;
  const letter = letters[0]!;
  const [intPart, fracPart] = bw.split(letter) as [string, string];
  const bandwidthHz = Math.round(Number(`${intPart || '0'}.${fracPart || '0'}`) * MULTIPLIER[letter]! * 1000) / 1000;
  if (!(bandwidthHz > 0)) return `bandwidth part '${bw}' of '${input}' is zero`;
  const [m, s, i, d, x] = [...text.slice(4)];
  if (!m || !(m in MODULATION))
    return `'${m}' in '${input}' is not a modulation symbol (${Object.keys(MODULATION).join('')})`;
  if (!s || !(s in SIGNAL))
    return `'${s}' in '${input}' is not a modulating-signal symbol (${Object.keys(SIGNAL).join('')})`;
  if (!i || !(i in INFORMATION))
    return `'${i}' in '${input}' is not an information symbol (${Object.keys(INFORMATION).join('')})`;
  if (d !== undefined && !DETAILS.includes(d)) return `'${d}' in '${input}' is not a signal-detail symbol (${DETAILS})`;
  if (x !== undefined && !MULTIPLEX.includes(x))
    return `'${x}' in '${input}' is not a multiplexing symbol (${MULTIPLEX})`;
  return {
    text,
    bandwidthHz,
    modulation: m,
    signal: s,
    information: i,
    description: `${MODULATION[m]}; ${SIGNAL[s]}; ${INFORMATION[i]}`,
  };
}

/** Format a bandwidth in Hz as the 4-character designator prefix (16000 → 16K0, 200000 → 200K). */
export function formatDesignatorBandwidth(bandwidthHz: number): string {
  for (const [letter, mult] of [
    ['H', 1],
    ['K', 1e3],
    ['M', 1e6],
    ['G', 1e9],
  ] as const) {
    const v = bandwidthHz / mult;
    if (v < 1000) {
      const digits = v.toPrecision(3).replace(/e.*$/, '');
      const [a, b = ''] = digits.split('.');
      return `${a}${letter}${b}`.padEnd(4, '0').slice(0, 4);
    }
  }
  return 'XXXX';
}
