/**
 * The client side of the crypto work, against the real API (another process): unlock at the
 * default Argon2id cost, client CPU to push and pull a 1 MiB document, and Argon2id in WebAssembly
 * (hash-wasm, what the client uses) against pure JS (@noble/hashes, what it used before) at the
 * same cost, alternated in this process. ESM because the client package is; it runs the built
 * client (client/dist), which `npm run bench` builds first.
 */
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Figure } from './figure.js';

type Sdk = typeof import('../client/src/index.js');

const MiB = 1024 * 1024;
const UNLOCK_GOAL_MS = 600;
const CLIENT_CPU_GOAL_MS = 50;
const ARGON2_SPEEDUP_GOAL = 4;
const MERGE_GOAL_MS = 20;

export async function benchCrypto(apiUrl: string, repoRoot: string): Promise<Figure[]> {
  const sdk = (await import(pathToFileURL(resolve(repoRoot, 'client', 'dist', 'index.js')).href)) as Sdk;
  return [await benchUnlock(sdk, apiUrl), ...(await benchPushPull(sdk, apiUrl)), await benchArgon2(sdk), benchMerge(sdk)];
}

/** The merge figure alone (the events section's). */
export async function benchMergeOnly(repoRoot: string): Promise<Figure> {
  const sdk = (await import(pathToFileURL(resolve(repoRoot, 'client', 'dist', 'index.js')).href)) as Sdk;
  return benchMerge(sdk);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round1 = (x: number) => Math.round(x * 10) / 10;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Vault.login on a fresh device: prelogin → Argon2id (64 MiB, t = 3) → login → keys → unlock. */
async function benchUnlock(sdk: Sdk, apiUrl: string): Promise<Figure> {
  const email = `bench-unlock-${Date.now()}@example.com`;
  const password = 'bench unlock password';
  (await sdk.Vault.register(new sdk.MindvaultApi({ baseUrl: apiUrl }), { email, password })).lock();
  const runs: number[] = [];
  const argon2: number[] = [];
  const load = loadavg()[0]!;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const vault = await sdk.Vault.login(new sdk.MindvaultApi({ baseUrl: apiUrl }), { email, password });
    runs.push(performance.now() - started);
    vault.lock();
    // The client's Argon2id alone, right after, for the breakdown.
    const params = await new sdk.MindvaultApi({ baseUrl: apiUrl }).auth.prelogin(email);
    const kdfStarted = performance.now();
    await sdk.deriveLoginKeys({ email, password, params });
    argon2.push(performance.now() - kdfStarted);
  }
  const ms = median(runs);
  return {
    name: 'unlock at the default cost: prelogin → Argon2id (64 MiB, t=3, p=1) → login → keys → unlock (ms; ratio = median ÷ 600 ms)',
    goal: `≤ ${UNLOCK_GOAL_MS} ms (ratio ≤ 1)`,
    ratio: ms / UNLOCK_GOAL_MS,
    pass: ms <= UNLOCK_GOAL_MS,
    raw: { medianMs: round1(ms), runsMs: runs.map(round1), argon2idAloneMs: argon2.map(round1), loadAverage1m: round1(load), cpus: 2 },
  };
}

/** A document of about 1 MiB of JSON: many short nodes, as a real large map has. */
function bigDocument(sdk: Sdk) {
  const doc = sdk.createDocument('Bench map');
  let bytes = 0;
  for (let i = 0; bytes < MiB; i++) {
    const children = Array.from({ length: 8 }, (_, j) => ({ id: `n${i}-${j}`, text: `leaf ${i}.${j} with some text to read`, children: [] }));
    const node = { id: `n${i}`, text: `branch ${i}`, children };
    doc.root.children.push(node);
    bytes += JSON.stringify(node).length;
  }
  return doc;
}

/** Client CPU (this process) per push and per pull of a 1 MiB document, the server in its own process. */
async function benchPushPull(sdk: Sdk, apiUrl: string): Promise<Figure[]> {
  const options = { kdfCost: { memoryKiB: 64, iterations: 1, parallelism: 1 }, policy: sdk.INSECURE_TEST_KDF_POLICY };
  const vault = await sdk.Vault.register(new sdk.MindvaultApi({ baseUrl: apiUrl }), { email: `bench-io-${Date.now()}@example.com`, password: 'bench io' }, options);
  const map = await vault.createMap({ title: 'bench', maxVersions: 50 });
  const doc = bigDocument(sdk);
  const docBytes = JSON.stringify(doc).length;
  await vault.push(map.id, doc);
  await vault.pull(map.id);
  const rounds = 10;
  const push: number[] = [];
  const pull: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let since = process.cpuUsage();
    await vault.push(map.id, doc);
    push.push(cpuMs(since));
    since = process.cpuUsage();
    await vault.pull(map.id);
    pull.push(cpuMs(since));
  }
  vault.lock();
  const figure = (what: string, samples: number[]): Figure => {
    const ms = median(samples);
    return {
      name: `${what} of a ${round1(docBytes / MiB)} MiB document: client CPU (ms; ratio = median ÷ 50 ms)`,
      goal: `≤ ${CLIENT_CPU_GOAL_MS} ms (ratio ≤ 1)`,
      ratio: ms / CLIENT_CPU_GOAL_MS,
      pass: ms <= CLIENT_CPU_GOAL_MS,
      raw: { medianCpuMs: round1(ms), samplesCpuMs: samples.map(round1), documentBytes: docBytes, loadAverage1m: round1(loadavg()[0]!) },
    };
  };
  return [figure('push', push), figure('pull', pull)];
}

/** Argon2id at the default cost: @noble/hashes (pure JS) ÷ hash-wasm (WebAssembly), alternating rounds. */
async function benchArgon2(sdk: Sdk): Promise<Figure> {
  const password = new TextEncoder().encode('bench password');
  const salt = new Uint8Array(32).fill(7);
  const cost = sdk.DEFAULT_KDF_COST;
  await sdk.argon2idRaw(password, salt, cost);
  const wasm: number[] = [];
  const noble: number[] = [];
  for (let i = 0; i < 3; i++) {
    let started = performance.now();
    const a = await sdk.argon2idRaw(password, salt, cost);
    wasm.push(performance.now() - started);
    started = performance.now();
    const b = await argon2idAsync(password, salt, { m: cost.memoryKiB, t: cost.iterations, p: cost.parallelism, dkLen: 32 });
    noble.push(performance.now() - started);
    if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) throw new Error('hash-wasm and noble disagree on Argon2id');
  }
  const ratio = median(noble) / median(wasm);
  return {
    name: 'Argon2id at 64 MiB, t=3, p=1: @noble/hashes (pure JS) ÷ hash-wasm (WASM) time',
    goal: `≥ ${ARGON2_SPEEDUP_GOAL}`,
    ratio,
    pass: ratio >= ARGON2_SPEEDUP_GOAL,
    raw: { hashWasmMs: wasm.map(round1), nobleMs: noble.map(round1), loadAverage1m: round1(loadavg()[0]!) },
  };
}

/**
 * mergeDocuments on two concurrent edits of a 1,000-node map (100 branches of 10): each side
 * changes 100 texts, adds 50 nodes and deletes 20, on different nodes; one reorders a branch.
 */
export function benchMerge(sdk: Sdk): Figure {
  type Node = import('../client/src/index.js').MindMapNode;
  const base = { version: 1 as const, root: { id: 'root', text: 'root', children: [] as Node[] } };
  for (let b = 0; b < 100; b++) {
    const branch: Node = { id: `b${b}`, text: `branch ${b}`, children: [] };
    for (let n = 0; n < 9; n++) branch.children.push({ id: `b${b}n${n}`, text: `node ${b}.${n}`, children: [] });
    base.root.children.push(branch);
  }
  const edit = (side: 'm' | 't', offset: number) => {
    const doc = structuredClone(base);
    for (let i = 0; i < 100; i++) doc.root.children[(i * 2 + offset) % 100]!.children[i % 9]!.text = `${side} edit ${i}`;
    for (let i = 0; i < 50; i++) doc.root.children[(i * 2 + offset) % 100]!.children.push({ id: `${side}-new-${i}`, text: 'new', children: [] });
    for (let i = 0; i < 20; i++) doc.root.children[(i * 4 + offset + 40) % 100]!.children.splice(0, 1);
    if (side === 't') doc.root.children[offset]!.children.reverse();
    return doc;
  };
  const mine = edit('m', 0);
  const theirs = edit('t', 1);
  const runs: number[] = [];
  let conflicts = -1;
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    conflicts = sdk.mergeDocuments(base, mine, theirs).conflicts.length;
    runs.push(performance.now() - started);
  }
  const ms = median(runs.slice(5));
  return {
    name: 'mergeDocuments of two concurrent edits of a 1,000-node map (ms, median of 25 after 5 warm-ups; ratio = ÷ 20 ms)',
    goal: `≤ ${MERGE_GOAL_MS} ms (ratio ≤ 1)`,
    ratio: ms / MERGE_GOAL_MS,
    pass: ms <= MERGE_GOAL_MS,
    raw: { medianMs: round1(ms), minMs: round1(Math.min(...runs)), maxMs: round1(Math.max(...runs)), conflicts, nodes: 1000 },
  };
}
