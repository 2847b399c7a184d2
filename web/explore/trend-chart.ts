import { css, html, LitElement, svg } from 'lit';
import type { ExploreSeries } from '../../server/contract/explore-schemas.js';
import { downloadCsv } from './csv.js';
import { formatCount, strings } from './explore-i18n.js';
import type { Interval, Lang } from './explore-params.js';
import { panelStyles } from './explore-styles.js';

const W = 420;
const H = 130;
const PAD = { left: 34, right: 6, top: 8, bottom: 18 };

/** Reported per day or week as bars, the closed among them as a line; the playback frame highlighted. Exports its series as CSV. */
export class TrendChart extends LitElement {
  static override properties = { series: { attribute: false }, interval: {}, frame: {}, lang: {}, fileStem: {} };
  static override styles = [
    panelStyles,
    css`
    svg { width: 100%; height: auto; display: block; }
    .axis { fill: #7d8aa3; font-size: 10px; }
    .legend { font-size: .78rem; color: #9fb3d1; }
    .legend i { display: inline-block; width: .8rem; height: .5rem; margin: 0 .3rem 0 .6rem; }
  `,
  ];

  declare series?: ExploreSeries;
  declare interval: Interval;
  /** First day of the playback frame, highlighted. */
  declare frame?: string;
  declare lang: Lang;
  declare fileStem: string;

  constructor() {
    super();
    this.interval = 'day';
    this.lang = 'zh';
    this.fileStem = 'explore';
  }

  override render() {
    const t = strings(this.lang);
    const buckets = this.series?.buckets ?? [];
    const title = this.interval === 'week' ? t.trendWeek : t.trend;
    if (!buckets.length) return html`<h3>${title}</h3><div class="empty">${this.series ? t.empty : t.loading}</div>`;
    const max = Math.max(1, ...buckets.map((b) => b.reported));
    const bw = (W - PAD.left - PAD.right) / buckets.length;
    const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
    const line = buckets.map((b, i) => `${i ? 'L' : 'M'}${(PAD.left + (i + 0.5) * bw).toFixed(1)},${y(b.closed).toFixed(1)}`).join('');
    return html`<h3>${title}<button data-export="series" @click=${this.export}>${t.exportCsv}</button></h3>
      <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${title}>
        <text class="axis" x=${PAD.left - 4} y=${PAD.top + 8} text-anchor="end">${formatCount(max, this.lang)}</text>
        <text class="axis" x=${PAD.left - 4} y=${H - PAD.bottom} text-anchor="end">0</text>
        ${buckets.map(
          (b, i) => svg`<rect data-bucket=${b.start} data-reported=${b.reported} data-closed=${b.closed}
            x=${PAD.left + i * bw + bw * 0.1} width=${Math.max(0.5, bw * 0.8)} y=${y(b.reported)} height=${H - PAD.bottom - y(b.reported)}
            fill=${b.start === this.frame ? '#ffd166' : '#245f8f'}><title>${b.start}: ${b.reported} / ${b.closed}</title></rect>`,
        )}
        <path d=${line} fill="none" stroke="#7fdc9b" stroke-width="1.5"></path>
        <text class="axis" x=${PAD.left} y=${H - 4}>${buckets[0]!.start}</text>
        <text class="axis" x=${W - PAD.right} y=${H - 4} text-anchor="end">${buckets[buckets.length - 1]!.start}</text>
      </svg>
      <div class="legend"><i style="background:#245f8f"></i>${t.reportedSeries}<i style="background:#7fdc9b"></i>${t.closedSeries}</div>`;
  }

  private export = () => {
    const t = strings(this.lang);
    downloadCsv(
      `${this.fileStem}-series.csv`,
      [t.from, t.reportedSeries, t.closedSeries],
      (this.series?.buckets ?? []).map((b) => [b.start, b.reported, b.closed]),
    );
  };
}

customElements.define('gs-trend-chart', TrendChart);

declare global {
  interface HTMLElementTagNameMap {
    'gs-trend-chart': TrendChart;
  }
}
