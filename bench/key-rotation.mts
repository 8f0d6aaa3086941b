/**
 * Key rotation as the client does it (Vault.rotateKeys: list every map and its versions, re-wrap
 * every data key for fresh key pairs, one PUT /api/auth/keys), for a user with 1,000 maps and one
 * with 100, against the real API (another process). The API's peak RSS must stay flat in the
 * number of maps. ESM because the client package is; it runs the built client (client/dist).
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { Figure } from './figure.js';
import { cpuMsOf, resetPeakRss, rssOf } from './infra.js';

type Sdk = typeof import('../client/src/index.js');
type Vault = Awaited<ReturnType<Sdk['Vault']['register']>>;

const MiB = 1024 * 1024;
const GOAL = 1.2;
const SIZES = [100, 1000] as const;
/** Rotations of each user, alternating, so the API's heap drift hits both alike. */
const ROUNDS = 3;

const round1 = (x: number) => Math.round(x * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchKeyRotation(apiUrl: string, apiPid: number, repoRoot: string): Promise<Figure> {
  console.log('\n[rotation] key rotation through the SDK: a user with 1,000 maps vs one with 100');
  const sdk = (await import(pathToFileURL(resolve(repoRoot, 'client', 'dist', 'index.js')).href)) as Sdk;
  const users = new Map<number, Vault>();
  for (const size of SIZES) users.set(size, await userWithMaps(sdk, apiUrl, size));

  const runs = new Map<number, Rotation[]>(SIZES.map((size) => [size, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const size of SIZES) runs.get(size)!.push(await rotate(users.get(size)!, size, apiPid));
  }
  for (const vault of users.values()) vault.lock();

  const summary = (size: number) => {
    const rs = runs.get(size)!;
    return {
      maps: size,
      rotationMs: rs.map((r) => round1(r.ms)),
      medianMs: round1(median(rs.map((r) => r.ms))),
      apiCpuMs: rs.map((r) => r.apiCpuMs),
      apiRssBeforeMiB: rs.map((r) => round1(r.rssBefore / MiB)),
      apiPeakRssMiB: rs.map((r) => round1(r.peak / MiB)),
      apiGrowthMiB: rs.map((r) => round1((r.peak - r.rssBefore) / MiB)),
    };
  };
  const peakOf = (size: number) => Math.max(...runs.get(size)!.map((r) => r.peak));
  const ratio = peakOf(1000) / peakOf(100);
  return {
    name: 'key rotation through the SDK, API peak RSS for a user of 1,000 maps ÷ of 100 (time reported)',
    goal: `≤ ${GOAL}`,
    ratio,
    pass: ratio <= GOAL,
    raw: { maps100: summary(100), maps1000: summary(1000), rounds: ROUNDS, loadAverage1m: round1(loadavg()[0]!) },
    note:
      'each map holds one saved version; time is the whole Vault.rotateKeys (list, version lists 8 at a time, client crypto, ' +
      'one PUT /api/auth/keys); peak = VmHWM after clear_refs and VmRSS sampled every 5 ms, the larger of the rounds',
  };
}

interface Rotation {
  ms: number;
  apiCpuMs: number;
  rssBefore: number;
  peak: number;
}

async function rotate(vault: Vault, size: number, apiPid: number): Promise<Rotation> {
  await sleep(1000);
  const rssBefore = rssOf(apiPid);
  const hwmReset = resetPeakRss(apiPid);
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(apiPid))), 5);
  const cpuBefore = cpuMsOf(apiPid);
  const started = performance.now();
  const result = await vault.rotateKeys().finally(() => clearInterval(sampler));
  const ms = performance.now() - started;
  if (hwmReset) peak = Math.max(peak, rssOf(apiPid, 'VmHWM'));
  if (result.maps !== size) throw new Error(`the rotation covered ${result.maps} maps, the user owns ${size}`);
  console.log(`  ${size} maps rotated in ${round1(ms)} ms, API peak RSS ${round1(peak / MiB)} MiB`);
  return { ms, apiCpuMs: cpuMsOf(apiPid) - cpuBefore, rssBefore, peak };
}

/** A registered user (cheap KDF: the rotation is measured, not the login) with `size` maps of one version each. */
async function userWithMaps(sdk: Sdk, apiUrl: string, size: number): Promise<Vault> {
  const options = { kdfCost: { memoryKiB: 64, iterations: 1, parallelism: 1 }, policy: sdk.INSECURE_TEST_KDF_POLICY };
  const email = `bench-rotation-${size}-${Date.now()}@example.com`;
  const vault = await sdk.Vault.register(new sdk.MindvaultApi({ baseUrl: apiUrl }), { email, password: 'bench rotation' }, options);
  const started = performance.now();
  let next = 0;
  const lanes = Array.from({ length: 8 }, async () => {
    while (next < size) {
      const i = next++;
      const map = await vault.createMap({ title: `map ${i}` });
      await vault.push(map.id, sdk.createDocument(`map ${i}`));
    }
  });
  await Promise.all(lanes);
  console.log(`  a user with ${size} maps made in ${round1((performance.now() - started) / 1000)} s`);
  return vault;
}
