import type { ExploreMapController } from './explore-map-controller.js';
import { MAP_FONT as LABEL_FONT } from '../shared/map/theme.js';

/** One map of the export with the period it shows. */
export interface ExportPanel {
  map: ExploreMapController;
  period: string;
}
export interface ExportSpec {
  /** Place · metric. */
  title: string;
  panels: ExportPanel[];
  legendTitle: string;
  legend: { colour: string; label: string }[];
  /** The page background, behind the title and the legend. */
  background: string;
}
type Rect = { x: number; y: number; w: number; h: number };
/** Where everything went, in PNG pixels: the browser test checks the pixels there. */
export interface ExportLayout {
  width: number;
  height: number;
  title: Rect;
  panels: (Rect & { period: Rect; scaleBar: Rect & { label: string } })[];
  legend: Rect;
}

const TEXT = '#e6edf7';
const MUTED = '#9fb3d1';
const PAD = 16;
const TITLE_H = 44;
const PERIOD_H = 28;
const GAP = 4;

/**
 * The PNG export: a title band (place, metric), each map under its period,
 * a scale bar on each map and the legend below, drawn with canvas 2D on the
 * maps' own canvases. Fonts are the system's (offline); sizes are CSS pixels
 * times the device pixel ratio of the maps.
 */
export function composeExport(spec: ExportSpec): { canvas: HTMLCanvasElement; layout: ExportLayout } {
  const first = spec.panels[0]!.map;
  const dpr = first.map!.getCanvas().width / Math.max(1, first.size.width);
  const s = (v: number) => Math.round(v * dpr);
  const sizes = spec.panels.map((p) => p.map.size);
  const mapH = Math.max(...sizes.map((z) => z.height));
  const width = sizes.reduce((sum, z) => sum + s(z.width), 0) + s(GAP) * (spec.panels.length - 1);

  const measure = document.createElement('canvas').getContext('2d')!;
  const font = (px: number, weight = 400) => `${weight} ${s(px)}px ${LABEL_FONT}`;
  // The legend: a heading, then swatches in rows that wrap at the image's width.
  measure.font = font(14);
  const rowH = s(22);
  const items: { x: number; row: number; colour: string; label: string }[] = [];
  let x = s(PAD);
  let row = 0;
  for (const item of spec.legend) {
    const w = s(22) + measure.measureText(item.label).width + s(18);
    if (x + w > width - s(PAD) && x > s(PAD)) {
      x = s(PAD);
      row++;
    }
    items.push({ x, row, ...item });
    x += w;
  }
  const legendH = s(24) + (row + 1) * rowH + s(PAD);
  const top = s(TITLE_H);
  const mapsTop = top + s(PERIOD_H);
  const height = mapsTop + s(mapH) + legendH;

  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = spec.background;
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'middle';
  ctx.fillStyle = TEXT;
  ctx.font = font(20, 700);
  ctx.fillText(spec.title, s(PAD), top / 2);
  const titleRect = { x: s(PAD), y: 0, w: Math.ceil(ctx.measureText(spec.title).width), h: top };

  const panels: ExportLayout['panels'] = [];
  let left = 0;
  spec.panels.forEach((p, i) => {
    const w = s(sizes[i]!.width);
    const h = s(sizes[i]!.height);
    ctx.fillStyle = MUTED;
    ctx.font = font(15, 600);
    ctx.fillText(p.period, left + s(PAD), top + s(PERIOD_H) / 2);
    const period = { x: left + s(PAD), y: top, w: Math.ceil(ctx.measureText(p.period).width), h: s(PERIOD_H) };
    p.map.drawInto(ctx, left, mapsTop, w, h);
    const scaleBar = drawScaleBar(ctx, p.map.metresPerPixel(), left + w - s(PAD), mapsTop + h - s(PAD), dpr);
    panels.push({ x: left, y: mapsTop, w, h, period, scaleBar });
    left += w + s(GAP);
  });

  const legendTop = mapsTop + s(mapH);
  ctx.fillStyle = MUTED;
  ctx.font = font(14, 600);
  ctx.fillText(spec.legendTitle, s(PAD), legendTop + s(14));
  ctx.font = font(14);
  for (const it of items) {
    const y = legendTop + s(24) + it.row * rowH;
    ctx.fillStyle = it.colour;
    ctx.fillRect(it.x, y + s(5), s(18), s(11));
    ctx.fillStyle = TEXT;
    ctx.fillText(it.label, it.x + s(22), y + s(11));
  }
  return { canvas, layout: { width, height, title: titleRect, panels, legend: { x: 0, y: legendTop, w: width, h: legendH } } };
}

/** A bar of a round length (1, 2 or 5 × 10ⁿ metres) no longer than 120 CSS pixels, right-aligned at (right, bottom). */
function drawScaleBar(ctx: CanvasRenderingContext2D, metresPerCssPixel: number, right: number, bottom: number, dpr: number): Rect & { label: string } {
  const most = 120 * metresPerCssPixel;
  const power = 10 ** Math.floor(Math.log10(most));
  const metres = [5, 2, 1].map((m) => m * power).find((m) => m <= most) ?? power;
  const barW = Math.round((metres / metresPerCssPixel) * dpr);
  const label = metres >= 1000 ? `${metres / 1000} km` : `${metres} m`;
  const h = Math.round(26 * dpr);
  const box = { x: right - barW - Math.round(12 * dpr), y: bottom - h, w: barW + Math.round(12 * dpr), h };
  ctx.fillStyle = 'rgba(11, 18, 32, .8)';
  ctx.fillRect(box.x, box.y, box.w, box.h);
  ctx.strokeStyle = TEXT;
  ctx.lineWidth = Math.max(1, Math.round(2 * dpr));
  const y = bottom - Math.round(6 * dpr);
  const x0 = right - barW - Math.round(6 * dpr);
  ctx.beginPath();
  ctx.moveTo(x0, y - Math.round(6 * dpr));
  ctx.lineTo(x0, y);
  ctx.lineTo(x0 + barW, y);
  ctx.lineTo(x0 + barW, y - Math.round(6 * dpr));
  ctx.stroke();
  ctx.fillStyle = TEXT;
  ctx.font = `600 ${Math.round(12 * dpr)}px ${LABEL_FONT}`;
  ctx.textAlign = 'center';
  ctx.fillText(label, x0 + barW / 2, y - Math.round(11 * dpr));
  ctx.textAlign = 'left';
  return { ...box, label };
}

export function toPngBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG export failed'))), 'image/png'));
}
