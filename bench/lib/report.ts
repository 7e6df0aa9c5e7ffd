/** The results as the Markdown table in docs/PERFORMANCE.md. */
import type { Figure, Results } from './results.ts';

const GROUPS: Figure['group'][] = ['Cold start', 'Saving', 'Finding', 'Sync', 'Size', 'Memory'];

const num = (x: number, unit: Figure['unit']) =>
  unit === 'records/s' ? Math.round(x).toLocaleString('en-GB') : unit === 'ms' && x >= 100 ? Math.round(x).toString() : x.toFixed(1);

export function renderTable(results: Results): string {
  const env = results.environment;
  const lines = [
    `Run of ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC: Node ${env.node}${env.chromium ? `, Chromium ${env.chromium}` : ''}, ${env.cores} cores, CPU throttled ${env.cpuThrottling}x in the browser. Median of n runs, with the middle half of the runs (25th to 75th percentile) in brackets.`,
    '',
    '| | Figure | Median | Baseline (same run) | Ratio | Budget | |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const group of GROUPS) {
    for (const f of results.figures.filter((x) => x.group === group)) {
      const r = f.result;
      const value = `${num(r.median, f.unit)} ${f.unit}${r.n > 1 ? ` (${num(r.spread[0], f.unit)}–${num(r.spread[1], f.unit)}, n=${r.n})` : ''}`;
      const base = f.baseline ? `${f.baseline.what}: ${num(f.baseline.result.median, f.unit)} ${f.unit}` : '';
      const ratio = f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}x`;
      const met = f.budget ? (f.budget.met ? 'met' : '**missed**') : '';
      lines.push(
        `| ${group} | ${f.what}${f.notes ? ` (${f.notes})` : ''} | ${value} | ${base} | ${ratio} | ${f.budget?.text ?? ''} | ${met} |`,
      );
    }
  }
  return lines.join('\n');
}
