/**
 * `npm run bench`: runs every scenario in bench/scenarios/ in turn, prints each one's figures and
 * writes bench/RESULTS.md. `npm run bench -- rotation` runs only the scenarios whose name contains
 * one of the words given, and then leaves RESULTS.md alone so a partial run never replaces a full one.
 *
 * Raw times depend on the machine, so each scenario reports them next to a floor (a plain, obviously
 * correct way of computing the same answer) measured in the same run; the ratio is the figure to
 * compare between runs.
 */
import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { pathToFileURL } from 'node:url';

export interface Figure {
  label: string;
  value: number;
  unit: string;
  /** The floor's measurement of the same thing, in the same unit. */
  floor?: number;
  /** How many times better than the floor `value` is (floor ÷ value for times). */
  ratio?: number;
  /** What the figure should be, in words, e.g. "≥ 100×" or "< 1 ms". */
  target?: string;
}

export interface ScenarioResult {
  figures: Figure[];
  notes?: string[];
}

/** What a file in bench/scenarios/ default-exports. */
export interface Scenario {
  name: string;
  run(): Promise<ScenarioResult>;
}

interface Outcome {
  scenario: string;
  seconds: number;
  result?: ScenarioResult;
  error?: string;
}

const SCENARIO_DIR = new URL('./scenarios/', import.meta.url);
const RESULTS = new URL('./RESULTS.md', import.meta.url);

function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && typeof (value as Scenario).name === 'string' && typeof (value as Scenario).run === 'function';
}

/** Each file is a scenario: adding one is dropping a file in the folder, with no list to keep in step. */
export async function loadScenarios(): Promise<Scenario[]> {
  const files = (await readdir(SCENARIO_DIR)).filter((file) => /\.(ts|js|mjs)$/.test(file) && !file.endsWith('.d.ts') && !file.startsWith('_')).sort();
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const module = (await import(new URL(file, SCENARIO_DIR).href)) as { default?: unknown };
    if (!isScenario(module.default)) throw new Error(`bench/scenarios/${file} must default-export { name, run() }`);
    scenarios.push(module.default);
  }
  return scenarios;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function rows(result: ScenarioResult): string[][] {
  return result.figures.map((figure) => [
    figure.label,
    `${formatNumber(figure.value)} ${figure.unit}`,
    figure.floor === undefined ? '' : `${formatNumber(figure.floor)} ${figure.unit}`,
    figure.ratio === undefined ? '' : `${formatNumber(figure.ratio)}×`,
    figure.target ?? '',
  ]);
}

const HEADER = ['Figure', 'Value', 'Floor', 'Ratio', 'Target'];

function consoleTable(result: ScenarioResult): string {
  const table = [HEADER, ...rows(result)];
  const widths = HEADER.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(HEADER), widths.map((width) => '-'.repeat(width)).join('  '), ...rows(result).map(line)].join('\n');
}

function markdownTable(result: ScenarioResult): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [`| ${HEADER.join(' | ')} |`, '| --- | ---: | ---: | ---: | --- |', ...rows(result).map((row) => `| ${row.map(escape).join(' | ')} |`)].join('\n');
}

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim();
  return `${cpus.length} cores${model ? ` (${model})` : ''}, ${os.platform()} ${os.arch()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`;
}

function report(outcomes: Outcome[], command: string, startedAt: Date, loadAtStart: number[]): string {
  const sections = outcomes.map((outcome) => {
    const lines = [`## ${outcome.scenario}`, '', `Ran in ${outcome.seconds.toFixed(1)} s.`, ''];
    if (outcome.error) lines.push('**Failed:**', '', '```', outcome.error, '```');
    if (outcome.result) {
      lines.push(markdownTable(outcome.result));
      if (outcome.result.notes?.length) lines.push('', ...outcome.result.notes.map((note) => `- ${note}`));
    }
    return lines.join('\n');
  });
  return [
    '# Benchmark results',
    '',
    `- Command: \`${command}\``,
    `- Date: ${startedAt.toISOString()}`,
    `- Machine: ${machine()}`,
    // Other work on the machine slows both sides of a ratio, but not always evenly; this says how busy it was.
    `- Load average at start (1/5/15 min): ${loadAtStart.map((load) => load.toFixed(2)).join(' / ')}`,
    '',
    'Times are medians unless a label says otherwise. Each floor is a plain, obviously correct computation of the same answer, measured in the same run on the same machine; the ratio (floor ÷ value) is what to compare between machines and runs.',
    '',
    ...sections.flatMap((section) => [section, '']),
  ].join('\n');
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2).map((word) => word.toLowerCase());
  const all = await loadScenarios();
  const chosen = filters.length ? all.filter((scenario) => filters.some((word) => scenario.name.toLowerCase().includes(word))) : all;
  if (chosen.length === 0) {
    console.error(`No scenario matches ${filters.join(', ')}. Scenarios: ${all.map((scenario) => scenario.name).join(', ') || '(none)'}`);
    process.exitCode = 1;
    return;
  }
  const startedAt = new Date();
  const loadAtStart = os.loadavg();
  console.log(`Benchmarks on ${machine()}\n`);
  const outcomes: Outcome[] = [];
  for (const scenario of chosen) {
    console.log(`▶ ${scenario.name}`);
    const started = performance.now();
    try {
      const result = await scenario.run();
      const seconds = (performance.now() - started) / 1000;
      outcomes.push({ scenario: scenario.name, seconds, result });
      console.log(consoleTable(result));
      for (const note of result.notes ?? []) console.log(`  · ${note}`);
      console.log(`  (${seconds.toFixed(1)} s)\n`);
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      outcomes.push({ scenario: scenario.name, seconds, error: message });
      console.error(`  failed: ${message}\n`);
      process.exitCode = 1;
    }
  }
  if (filters.length) {
    console.log('Only some scenarios ran, so bench/RESULTS.md was left as it was.');
    return;
  }
  await writeFile(RESULTS, report(outcomes, 'npm run bench', startedAt, loadAtStart));
  console.log('Wrote bench/RESULTS.md');
}

// Scenarios import this file for its types only; running it is what starts the benchmarks.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
