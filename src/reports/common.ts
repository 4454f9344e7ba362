/** Shared pieces of the HTML reports: page shell (print CSS), tables, waterfall image from history. */
import type { SpectrumHistory } from '../history/history.ts';
import { esc, fmtDate, fmtMHz, fmtNum, tzLabel, type Lang, type Locale } from './i18n.ts';
import { encodePng, waterfallRgb } from './png.ts';

export function page(title: string, lang: Lang, body: string): string {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>
  body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 11pt; margin: 16mm; color: #111; }
  h1 { font-size: 16pt; margin: 0 0 4mm; } h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1px solid #888; }
  table { border-collapse: collapse; margin: 2mm 0; } th, td { border: 1px solid #999; padding: 1mm 2mm; text-align: left; vertical-align: top; }
  th { background: #eee; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .kv th { width: 60mm; } .note { color: #444; font-size: 9pt; } figure { margin: 2mm 0; } img.wf { image-rendering: pixelated; border: 1px solid #444; max-width: 100%; }
  .axis { display: flex; justify-content: space-between; font-size: 9pt; color: #333; max-width: 600px; }
  @page { size: A4; margin: 12mm; } @media print { body { margin: 0; } h2 { break-after: avoid; } table, figure { break-inside: avoid; } }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A key/value table (keys and values are already-escaped HTML). */
export function kvTable(rows: [string, string][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

/** A table; cells that are numbers are right-aligned. Cell text is escaped here. */
export function table(head: string[], rows: (string | { num: string })[][]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows
    .map(
      (r) =>
        `<tr>${r.map((c) => (typeof c === 'string' ? `<td>${esc(c)}</td>` : `<td class="num">${esc(c.num)}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

export interface WaterfallFigure {
  html: string;
  rowsRead: number;
}

/**
 * Renders the stored history of one sensor over a window as an inline PNG with its axes and dB scale
 * stated; `null` if nothing is stored there.
 */
export async function waterfallFigure(
  history: SpectrumHistory,
  req: { sensorId: string; fromMs: number; toMs: number; startHz: number; stopHz: number; markMs?: number },
  loc: Locale,
  width = 600,
  height = 240,
): Promise<WaterfallFigure | null> {
  const w = await history.rebuild({ ...req, width, height });
  if (w.rowsRead === 0) return null;
  const finite = [...w.dbfs].filter(Number.isFinite).sort((a, b) => a - b);
  const lo = finite[Math.floor(finite.length * 0.1)] ?? -120;
  const hi = Math.max(lo + 10, finite[finite.length - 1] ?? lo + 10);
  const rgb = waterfallRgb(w.dbfs, width, height, lo, hi, true);
  if (req.markMs !== undefined && req.markMs >= req.fromMs && req.markMs <= req.toMs) {
    // A white tick on both edges at the alarm time (newest on top → the row is counted from the bottom).
    const r = Math.min(height - 1, Math.floor(((req.markMs - req.fromMs) / (req.toMs - req.fromMs)) * height));
    const y = height - 1 - r;
    for (const x0 of [0, width - 8])
      for (let x = x0; x < x0 + 8; x++) rgb.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  const png = encodePng(width, height, rgb);
  const lang = loc.lang;
  const caption =
    lang === 'vi'
      ? `Trục ngang: tần số ${fmtMHz(req.startHz, lang)} – ${fmtMHz(req.stopHz, lang)}; trục dọc: thời gian ${fmtDate(req.fromMs, loc)} (dưới) – ${fmtDate(req.toMs, loc)} (trên), ${tzLabel(loc.timeZone, req.fromMs)}. Thang màu ${fmtNum(lo, lang)} … ${fmtNum(hi, lang)} dBFS; giữ giá trị cực đại theo thời gian và tần số. Vạch trắng: thời điểm phát hiện.`
      : `Horizontal: frequency ${fmtMHz(req.startHz, lang)} – ${fmtMHz(req.stopHz, lang)}; vertical: time ${fmtDate(req.fromMs, loc)} (bottom) – ${fmtDate(req.toMs, loc)} (top), ${tzLabel(loc.timeZone, req.fromMs)}. Colour scale ${fmtNum(lo, lang)} … ${fmtNum(hi, lang)} dBFS; max-hold in time and frequency. White ticks: time the alarm was raised.`;
  return {
    rowsRead: w.rowsRead,
    html: `<figure><img class="wf" width="${width}" height="${height}" alt="waterfall" src="data:image/png;base64,${png.toString('base64')}">
<div class="axis"><span>${esc(fmtMHz(req.startHz, lang))}</span><span>${esc(fmtMHz((req.startHz + req.stopHz) / 2, lang))}</span><span>${esc(fmtMHz(req.stopHz, lang))}</span></div>
<figcaption class="note">${esc(caption)}</figcaption></figure>`,
  };
}
