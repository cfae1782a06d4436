// Spend over days as a stacked bar chart in inline SVG: one bar per UTC day, one segment per group
// (model or principal). The largest groups get their own colour and the rest are folded into
// "Other", so the legend stays readable. Summing floats is fine here: the chart is a picture; the
// figures the page states come from the gateway's own totals.

import { DAY_MS, formatCount, startOfUtcDay, usdForDrawing, utcDay } from '../format';
import type { SpendReport, SpendTotals } from '../api/types';

export type ChartMetric = 'cost' | 'requests' | 'tokens';

const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#db2777', '#65a30d'];
const OTHER_COLOUR = '#94a3b8';
const MAX_SERIES = 7;

const WIDTH = 760;
const HEIGHT = 260;
const MARGIN = { top: 12, right: 12, bottom: 34, left: 64 };

function valueOf(totals: SpendTotals, metric: ChartMetric): number {
  if (metric === 'cost') return usdForDrawing(totals.cost_usd);
  if (metric === 'requests') return totals.requests;
  return totals.input_tokens + totals.output_tokens;
}

function formatAxis(value: number, metric: ChartMetric): string {
  if (value === 0) return metric === 'cost' ? '$0' : '0';
  if (metric === 'cost') return value >= 100 ? `$${Math.round(value).toLocaleString('en-US')}` : `$${value.toFixed(value >= 1 ? 2 : 4)}`;
  return value >= 10_000 ? `${Math.round(value / 1000).toLocaleString('en-US')}k` : formatCount(Math.round(value));
}

/** Ticks at 1, 2 or 5 × 10^n, so the axis reads in round numbers. */
function niceMax(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 0.25 };
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough) ?? rough;
  return { top: Math.ceil(max / step) * step, step };
}

function daysBetween(from: number, to: number, seen: string[]): string[] {
  const days: string[] = [];
  // `to` is exclusive; a range over a year would draw hair-thin bars, so only days with data then.
  if (to - from <= 120 * DAY_MS) {
    for (let t = startOfUtcDay(utcDay(from)); t < to; t += DAY_MS) days.push(utcDay(t));
  }
  for (const day of seen) if (!days.includes(day)) days.push(day);
  return days.sort();
}

interface SpendChartProps {
  report: SpendReport;
  metric: ChartMetric;
  groupLabel: string;
}

export function SpendChart({ report, metric, groupLabel }: SpendChartProps) {
  const totalsByKey = new Map<string, number>();
  for (const point of report.series) {
    totalsByKey.set(point.key, (totalsByKey.get(point.key) ?? 0) + valueOf(point, metric));
  }
  const ranked = [...totalsByKey.entries()].sort((a, b) => b[1] - a[1]).map(([key]) => key);
  const shown = ranked.length > MAX_SERIES + 1 ? ranked.slice(0, MAX_SERIES) : ranked;
  const hasOther = shown.length < ranked.length;
  const seriesNames = hasOther ? [...shown, 'Other'] : shown;
  const colourOf = (name: string) => (name === 'Other' ? OTHER_COLOUR : PALETTE[shown.indexOf(name) % PALETTE.length] ?? OTHER_COLOUR);

  const days = daysBetween(report.from, report.to, report.series.map((point) => point.day));
  const stacks = new Map<string, Map<string, number>>(days.map((day) => [day, new Map()]));
  for (const point of report.series) {
    const name = shown.includes(point.key) ? point.key : 'Other';
    const stack = stacks.get(point.day);
    if (!stack) continue;
    stack.set(name, (stack.get(name) ?? 0) + valueOf(point, metric));
  }
  const dayTotals = days.map((day) => [...(stacks.get(day)?.values() ?? [])].reduce((a, b) => a + b, 0));
  const { top, step } = niceMax(Math.max(0, ...dayTotals));

  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = days.length > 0 ? plotWidth / days.length : plotWidth;
  const barWidth = Math.max(1, Math.min(36, slot * 0.7));
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  const ticks: number[] = [];
  for (let value = 0; value <= top + step / 2; value += step) ticks.push(value);
  const metricName = metric === 'cost' ? 'Cost' : metric === 'requests' ? 'Requests' : 'Tokens';

  return (
    <figure className="chart">
      <div className="chart-scroll">
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-label={`${metricName} per day by ${groupLabel.toLowerCase()}`}
          preserveAspectRatio="xMidYMid meet"
        >
          {ticks.map((value) => (
            <g key={value}>
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(value)} y2={y(value)} className="chart-grid" />
              <text x={MARGIN.left - 8} y={y(value) + 4} textAnchor="end" className="chart-label">
                {formatAxis(value, metric)}
              </text>
            </g>
          ))}
          {days.map((day, index) => {
            const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
            let base = 0;
            const stack = stacks.get(day) ?? new Map<string, number>();
            return (
              <g key={day}>
                {seriesNames.map((name) => {
                  const value = stack.get(name) ?? 0;
                  if (value <= 0) return null;
                  const rect = (
                    <rect key={name} x={x} y={y(base + value)} width={barWidth} height={Math.max(0.5, y(base) - y(base + value))} fill={colourOf(name)}>
                      <title>{`${day} · ${name}: ${formatAxis(value, metric)}`}</title>
                    </rect>
                  );
                  base += value;
                  return rect;
                })}
                {index % labelEvery === 0 && (
                  <text x={x + barWidth / 2} y={HEIGHT - MARGIN.bottom + 18} textAnchor="middle" className="chart-label">
                    {day.slice(5)}
                  </text>
                )}
              </g>
            );
          })}
          <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} className="chart-axis" />
        </svg>
      </div>
      {seriesNames.length > 0 && (
        <figcaption>
          <ul className="legend">
            {seriesNames.map((name) => (
              <li key={name}>
                <span className="legend-swatch" style={{ background: colourOf(name) }} aria-hidden="true" />
                {name}
              </li>
            ))}
          </ul>
        </figcaption>
      )}
    </figure>
  );
}
