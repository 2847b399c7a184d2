import type { Lang } from '../shared/i18n.js';
import type { LegendRow } from '../shared/map/map-legend.js';
import { formatPercent, strings } from './i18n.js';
import type { LegendClass, WallLegend } from './metric-scale.js';

/** The wall legend's heading: the metric's name, and "by community" when communities are what is coloured. */
export function wallLegendHeading(l: WallLegend | undefined, lang: Lang): string {
  if (!l) return '';
  const t = strings(lang);
  return l.by === 'community' ? `${t.metric[l.metric]}${t.byCommunity}` : t.metric[l.metric];
}

/** The wall legend's rows for gs-map-legend: the classes low to high as the wall has always listed them, then "no data". */
export function wallLegendRows(l: WallLegend | undefined, lang: Lang): LegendRow[] {
  if (!l) return [];
  const t = strings(lang);
  const label = (c: LegendClass): string => {
    if (c.label) return t.urgency[c.label as keyof typeof t.urgency] ?? c.label;
    const fmt = (v: number) => (l.metric === 'closure_rate' ? formatPercent(v) : String(v));
    if (c.max === null) return `≥ ${fmt(c.min)}`;
    if (l.metric !== 'closure_rate' && l.metric !== 'per_1k' && c.max === c.min + 1) return fmt(c.min);
    return `${fmt(c.min)} – ${fmt(c.max)}`;
  };
  return [
    ...l.classes.map((c) => ({ colour: c.colour, min: String(c.min), max: String(c.max), label: label(c) })),
    { colour: l.noData, min: '', max: '', label: t.legendNoData },
  ];
}
