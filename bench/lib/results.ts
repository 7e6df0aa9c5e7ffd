/**
 * Figures as the benchmarks record them: every repeated measurement kept, summarised as a median
 * with its spread, next to the baseline measured in the same run and the budget it is held to.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { LATEST_FILE } from './paths.ts';

export interface Summary {
  median: number;
  /** The middle half of the runs: 25th to 75th percentile. */
  spread: [number, number];
  n: number;
  samples: number[];
}

export interface Figure {
  id: string;
  group: 'Cold start' | 'Saving' | 'Finding' | 'Sync' | 'Size' | 'Memory';
  what: string;
  unit: 'ms' | 'KB' | 'MB' | 'records/s';
  result: Summary;
  baseline?: { what: string; result: Summary };
  /**
   * How many times the baseline's cost this is (time, bytes, or for a rate, the baseline's rate
   * over ours): 1.0 is as cheap as the baseline.
   */
  ratio?: number;
  budget?: { text: string; met: boolean };
  /** What else a reader needs to judge the figure (record counts, what the screen showed). */
  notes?: string;
}

export interface Results {
  startedAt: string;
  now: string;
  seedMs: number;
  environment: { node: string; chromium?: string; cpuThrottling: number; cores: number };
  figures: Figure[];
}

const quantile = (sorted: number[], q: number) => {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
};

export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('No samples to summarise.');
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    median: round(quantile(sorted, 0.5)),
    spread: [round(quantile(sorted, 0.25)), round(quantile(sorted, 0.75))],
    n: samples.length,
    samples: samples.map(round),
  };
}

export async function resetResults(meta: { seedMs: number; now: string }): Promise<void> {
  const { cpus } = await import('node:os');
  const results: Results = {
    startedAt: new Date().toISOString(),
    now: meta.now,
    seedMs: meta.seedMs,
    environment: { node: process.version, cpuThrottling: 4, cores: cpus().length },
    figures: [],
  };
  await writeFile(LATEST_FILE, JSON.stringify(results, null, 2));
}

export async function readResults(): Promise<Results> {
  return JSON.parse(await readFile(LATEST_FILE, 'utf8')) as Results;
}

export async function noteEnvironment(environment: Partial<Results['environment']>): Promise<void> {
  const results = await readResults();
  results.environment = { ...results.environment, ...environment };
  await writeFile(LATEST_FILE, JSON.stringify(results, null, 2));
}

/** Adds (or replaces) a figure in this run's results file. */
export async function record(figure: Figure): Promise<Figure> {
  const results = await readResults();
  results.figures = [...results.figures.filter((f) => f.id !== figure.id), figure];
  await writeFile(LATEST_FILE, JSON.stringify(results, null, 2));
  const ratio = figure.ratio === undefined ? '' : ` (${figure.ratio.toFixed(2)}x baseline)`;
  const budget = figure.budget ? ` [${figure.budget.met ? 'within' : 'MISSES'}: ${figure.budget.text}]` : '';
  console.log(`  ${figure.id}: ${figure.result.median} ${figure.unit}${ratio}${budget}`);
  return figure;
}
