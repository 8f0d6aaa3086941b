import { readFileSync } from 'node:fs';

/**
 * `node dist/bench/profile-summary.js <file.cpuprofile> [requests] [--last=S]`: where a
 * `node --cpu-prof` profile spent its time, by package (self time, and inclusive: any frame of the
 * package on the stack) and by function, so a before/after can be written down. Idle time is left
 * out of the shares; with `requests` (how many the process answered while profiled) the figures are
 * also in µs a request; `--last=S` keeps the profile's last S seconds only (the measured phase of a
 * bench, without the process's start).
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const lastS = Number(/^--last=(.+)$/.exec(process.argv.find((a) => a.startsWith('--last=')) ?? '')?.[1] ?? 0);
const file = positional[0];
const requests = Number(positional[1] ?? 0);
if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [requests]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; endTime: number; startTime: number };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const packageOf = (node: Node): string => {
  const url = node.callFrame.url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.includes('/dist/src/')) return 'app (dist/src)';
  if (url.includes('/dist/bench/')) return 'bench (dist/bench)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url ? url.replace(/^.*\//, '') : `(${node.callFrame.functionName || 'native'})`;
};
const IDLE = new Set(['(idle)', '(program)']);

const selfUs = new Map<number, number>();
const from = lastS > 0 ? profile.endTime - lastS * 1e6 : -Infinity;
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  if (at >= from) selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0));
});
let busy = 0;
const byPackage = new Map<string, number>();
const inclusive = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  if (IDLE.has(node.callFrame.functionName)) continue;
  busy += us;
  const pkg = packageOf(node);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  const fn = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  // Every package on this sample's stack, once.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(packageOf(byId.get(at)!));
  for (const p of seen) inclusive.set(p, (inclusive.get(p) ?? 0) + us);
}

const cell = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%${requests > 0 ? `  ${(us / requests).toFixed(1).padStart(6)} µs/req` : ''}`;
const top = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${cell(v)}  ${k}`)
    .join('\n');
console.log(
  `busy ${(busy / 1e6).toFixed(2)} s sampled (idle left out)${requests > 0 ? `, ${(busy / requests).toFixed(1)} µs a request over ${requests}` : ''}\n\n` +
    `self time by package:\n${top(byPackage, 30)}\n\ninclusive time by package (on the stack):\n${top(inclusive, 30)}\n\nself time by function:\n${top(byFunction, 40)}`,
);
