/** A small PNG encoder (8-bit RGB, no interlace) over node:zlib, for waterfall images inlined in reports. */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes `rgb` (width × height × 3 bytes, row-major, top row first) as a PNG file. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  if (rgb.length !== width * height * 3)
    throw new RangeError(`rgb has ${rgb.length} bytes, expected ${width * height * 3}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  // Each scanline is preceded by its filter type; 0 (None) keeps it simple and deflate still compresses well.
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (1 + width * 3) + 1);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/**
 * Colours a waterfall (dBFS, NaN = no data → dark grey) over [loDb, hiDb] with a blue→cyan→yellow→red ramp.
 * Row 0 of the input is drawn at the bottom when `newestOnTop` (the usual waterfall orientation).
 */
export function waterfallRgb(
  dbfs: Float32Array,
  width: number,
  height: number,
  loDb: number,
  hiDb: number,
  newestOnTop = true,
): Uint8Array {
  const stops = [
    [0, 0, 40],
    [0, 60, 200],
    [0, 200, 220],
    [240, 230, 40],
    [230, 30, 20],
  ] as const;
  const rgb = new Uint8Array(width * height * 3);
  const span = Math.max(1e-6, hiDb - loDb);
  for (let r = 0; r < height; r++) {
    const y = newestOnTop ? height - 1 - r : r;
    for (let c = 0; c < width; c++) {
      const v = dbfs[r * width + c]!;
      const o = (y * width + c) * 3;
      if (Number.isNaN(v)) {
        rgb[o] = rgb[o + 1] = rgb[o + 2] = 48;
        continue;
      }
      const x = Math.min(1, Math.max(0, (v - loDb) / span)) * (stops.length - 1);
      const i = Math.min(stops.length - 2, Math.floor(x));
      const f = x - i;
      const a = stops[i]!;
      const b = stops[i + 1]!;
      rgb[o] = Math.round(a[0] + (b[0] - a[0]) * f);
      rgb[o + 1] = Math.round(a[1] + (b[1] - a[1]) * f);
      rgb[o + 2] = Math.round(a[2] + (b[2] - a[2]) * f);
    }
  }
  return rgb;
}
