/** Colour maps as 256-entry RGBA lookup tables, interpolated from a few control points. */
export type ColormapName = 'turbo' | 'viridis' | 'classic' | 'grey';

const STOPS: Record<ColormapName, [number, number, number][]> = {
  // Perceptual rainbow-like: dark blue floor, red carriers (what SDR users expect).
  turbo: [
    [48, 18, 59],
    [65, 105, 225],
    [26, 190, 220],
    [70, 240, 120],
    [200, 240, 40],
    [252, 170, 30],
    [220, 60, 10],
    [122, 4, 3],
  ],
  viridis: [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ],
  classic: [
    [0, 0, 0],
    [0, 0, 140],
    [0, 120, 255],
    [0, 255, 255],
    [255, 255, 0],
    [255, 80, 0],
    [255, 255, 255],
  ],
  grey: [
    [0, 0, 0],
    [255, 255, 255],
  ],
};

export const COLORMAP_NAMES = Object.keys(STOPS) as ColormapName[];

/** RGBA LUT, 256 × 4 bytes. */
export function colormapLut(name: ColormapName): Uint8Array {
  const stops = STOPS[name];
  const lut = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(x));
    const f = x - k;
    const a = stops[k] as [number, number, number];
    const b = stops[k + 1] as [number, number, number];
    for (let c = 0; c < 3; c++) lut[i * 4 + c] = Math.round(a[c]! + (b[c]! - a[c]!) * f);
    lut[i * 4 + 3] = 255;
  }
  return lut;
}
