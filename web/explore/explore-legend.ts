import type { LegendRow } from '../shared/map/map-legend.js';
import type { Legend } from './choropleth.js';
import { formatMetric, strings } from './explore-i18n.js';
import type { Lang, Metric } from './explore-params.js';

/** The legend's rows, top (highest) first, then "no data": shown by gs-map-legend and drawn into the PNG export. */
export function legendRows(l: Legend, metric: Metric, lang: Lang): LegendRow[] {
  const fmt = (v: number) => (v === -Infinity ? '' : formatMetric(metric, v, lang));
  const rows = [...l.classes].reverse().map((c, i, all) => {
    const upper = i === 0 ? null : all[i - 1]!.min;
    const label = l.exact ? fmt(c.min) : c.min === -Infinity ? `< ${fmt(upper!)}` : upper === null ? `≥ ${fmt(c.min)}` : `${fmt(c.min)} – ${fmt(upper)}`;
    return { colour: c.colour, min: String(c.min), label };
  });
  return [...rows, { colour: l.noData, min: '', label: strings(lang).noData }];
}

/** The legend's heading. */
export function legendTitle(l: Legend, metric: Metric, lang: Lang): string {
  const t = strings(lang);
  return l.diverging ? `${t.diffLegend} · ${t.metric[metric]}` : t.metric[metric];
}
