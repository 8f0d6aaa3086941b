import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Figure } from './figure';

/**
 * `npm run bench:readme`: writes the README's table of the latest run from
 * bench/results/latest.json, between the README's `bench-table` markers, so no figure there is
 * ever typed in by hand. `--check` only says whether the README matches the file (exit 1 if not).
 */
interface Results {
  date: string;
  node: string;
  run: string;
  machine: { cpus: number; totalMemMiB: number; loadAverage?: { atStart: number[]; atEnd: number[] } };
  blobStore: string;
  figures: Figure[];
}

const ROOT = resolve(__dirname, '..', '..');
const README = resolve(ROOT, 'README.md');
const BEGIN = '<!-- bench-table: written by `npm run bench:readme` from bench/results/latest.json; do not edit by hand -->';
const END = '<!-- /bench-table -->';

export function renderTable(results: Results): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const result = (f: Figure) => {
    if (f.skipped) return 'skipped';
    const value = Math.abs(f.ratio) >= 100 ? f.ratio.toFixed(0) : f.ratio.toFixed(f.ratio < 0.1 ? 3 : 2);
    return f.pass === null ? value : `**${value} — ${f.pass ? 'met' : 'missed'}**`;
  };
  const details = (f: Figure) => f.summary ?? compact(f.raw);
  const load = results.machine.loadAverage;
  const lines = [
    `Run of ${results.date.slice(0, 16).replace('T', ' ')} UTC on Node ${results.node} (${results.run}); ${results.machine.cpus} cores, ` +
      `${Math.round(results.machine.totalMemMiB / 1024)} GiB` +
      (load ? `, load average ${load.atStart[0]} at the start and ${load.atEnd[0]} at the end (the machine is shared)` : '') +
      `; blob store ${results.blobStore}.`,
    '',
    '| # | benchmark | goal | result | details |',
    '|---|---|---|---|---|',
    ...results.figures.map((f, i) => `| ${i + 1} | ${cell(f.name)} | ${cell(f.goal)} | ${result(f)} | ${cell(details(f))} |`),
  ];
  return lines.join('\n');
}

/** A figure's raw numbers in a line, for figures without a summary of their own. */
function compact(raw: Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (parts.length >= 6) return;
    if (typeof value === 'number') parts.push(`${path} ${Number.isInteger(value) ? value : Math.round(value * 100) / 100}`);
    else if (typeof value === 'string' && value.length <= 40) parts.push(`${path} ${value}`);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    }
  };
  walk(raw, '');
  const line = parts.join(', ');
  return line.length > 240 ? `${line.slice(0, 237)}…` : line;
}

function main(): void {
  const results = JSON.parse(readFileSync(resolve(ROOT, 'bench', 'results', 'latest.json'), 'utf8')) as Results;
  const readme = readFileSync(README, 'utf8');
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${BEGIN} … ${END} section`);
  const updated = `${readme.slice(0, begin + BEGIN.length)}\n${renderTable(results)}\n${readme.slice(end)}`;
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error('README.md does not show bench/results/latest.json: run npm run bench:readme');
      process.exit(1);
    }
    console.log('README.md shows bench/results/latest.json');
    return;
  }
  writeFileSync(README, updated);
  console.log(`README.md: table of ${results.figures.length} figures from the run of ${results.date}`);
}

if (require.main === module) main();
