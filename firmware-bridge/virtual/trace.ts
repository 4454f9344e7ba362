/**
 * Parser for the librtlsdr reference traces (/work/shared/reference/rtlsdr-traces/*.trace):
 * `dir bmRequestType bRequest wValue wIndex wLength rc data-hex ; decoded`. Used to replay a driver's exact
 * control transfers into the virtual dongle.
 */

export interface TraceTransfer {
  dir: 'IN' | 'OUT';
  requestType: number;
  request: number;
  value: number;
  index: number;
  length: number;
  /** Bytes transferred, or a negative libusb error (-9 = stall). */
  rc: number;
  data: Uint8Array;
  note: string;
  line: number;
}

export function parseTrace(text: string): TraceTransfer[] {
  const out: TraceTransfer[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (!raw.trim() || raw.startsWith('#')) continue;
    const [head, ...rest] = raw.split(';');
    const f = (head ?? '').trim().split(/\s+/);
    if (f.length < 8) throw new SyntaxError(`trace line ${i + 1}: expected 8 fields, got ${f.length}`);
    const hex = f[7] === '-' ? '' : (f[7] ?? '');
    const data = new Uint8Array(hex.length / 2);
    for (let k = 0; k < data.length; k++) data[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
    out.push({
      dir: f[0] === 'IN' ? 'IN' : 'OUT',
      requestType: parseInt(f[1] ?? '0', 16),
      request: parseInt(f[2] ?? '0', 16),
      value: parseInt(f[3] ?? '0', 16),
      index: parseInt(f[4] ?? '0', 16),
      length: parseInt(f[5] ?? '0', 10),
      rc: parseInt(f[6] ?? '0', 10),
      data,
      note: rest.join(';').trim(),
      line: i + 1,
    });
  }
  return out;
}
