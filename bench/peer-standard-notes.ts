import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import type { Pool } from 'pg';
import type { Figure } from './figure';
import { json, runPool, send } from './http-client';
import { freePort } from '../test/utils/free-port';
import { API_NODE_OPTIONS, Child, cpuMsOf, spawnNode, waitForHttp } from './infra';
import { createMap, register } from './seed';
import { startStandardNotesServer } from './standard-notes-server';

export interface PeerBenchEnv {
  apiUrl: string;
  api: Child;
  /** The environment `api` was started with (its S3 store): a second API on the filesystem store is started from it. */
  apiEnv: Record<string, string>;
  worker: Child;
  s3rver: Child;
  pool: Pool;
}

const CONNECTIONS = 32;
const ROUNDS = 6;
/** About how long a round lasts: each op's requests a connection are set from its warm-up's rate. */
const ROUND_SECONDS = 3;
/** Requests a connection in the warm-up, and at least in a round (fewer, and the round's tail dominates). */
const WARM_UP_PER_CONNECTION = 4;
/** A document's ciphertext, the same bytes on both sides (base64 inside JSON where the protocol is JSON). */
const CIPHERTEXT_BYTES = 16 * 1024;
/** The API version the Standard Notes clients send with every auth and sync request. */
const SN_API = '20200115';
/** After a round, the time its trailing work (a queued prune, an event handled after the answer) gets before the CPU is read. */
const SETTLE_MS = 250;
const GOALS = { read: 3, open: 2, save: 2.5 } as const;

/** One side's operation: a request per connection, each connection on its own account and document. */
interface Op {
  name: 'read' | 'open' | 'save' | 'saveFs' | 'peerSync' | 'peerSave';
  base: string;
  server: Child;
  /** Processes whose CPU is reported beside the server's (Mindvault's worker and blob store). */
  others: Child[];
  request(connection: number, fail: (why: string) => void): autocannon.Request;
}

interface Round {
  rps: number;
  requests: number;
  bytesPerAnswer: number;
  p50: number;
  p99: number;
  /** µs of CPU a request: the server, then each of `others` by name. */
  cpuUs: Record<string, number>;
}

/**
 * Issue 21's comparison with a real peer: Mindvault beside the Standard Notes server (its home
 * server: auth, sync and revisions in one node process, on MariaDB and Redis), both on this
 * machine, in alternating rounds of 32 connections, each connection its own account with one
 * document of 16 KiB of ciphertext. Each side is driven the way its clients drive it:
 * - read: Mindvault's GET /api/mindmaps/:id (the detail, about 2 KB) / the peer's sync, which
 *   answers with the item and its ciphertext: not the same work, so
 * - open, what every client does before it can show anything: Mindvault's GET …?include=content
 *   (detail and the head's bytes in one answer) / the same sync;
 * - 16 KiB save: Mindvault's PUT …/blob with If-Match on the head it last saw and the envelope it
 *   encrypted for / the peer's sync carrying the changed item with the updated_at_timestamp it
 *   last saw and the sync token of its last answer. A conflict on either side fails the run.
 * req/s, and the server process's CPU per request (every thread's on-CPU time; Mindvault's worker
 * and s3rver beside it, the peer's MariaDB and both sides' Redis and databases not counted).
 * Skipped, with a figure saying so, unless SN_PEER_DIR names a built checkout of the peer.
 */
export async function benchPeerStandardNotes(env: PeerBenchEnv): Promise<Figure[]> {
  const peerDir = process.env.SN_PEER_DIR;
  if (!peerDir) return [skipped('SN_PEER_DIR not set')];
  console.log('\n[peer] Mindvault ÷ the Standard Notes server: read, open and 16 KiB save, 32 connections');
  const peer = await startStandardNotesServer(peerDir);
  const fs = await startFilesystemApi(env.apiEnv);
  try {
    const mindvault = await runPool(CONNECTIONS, 4, () => mindvaultDocument(env.apiUrl));
    const onFs = await runPool(CONNECTIONS, 4, () => mindvaultDocument(fs.url));
    const notes = await runPool(CONNECTIONS, 4, () => peerDocument(peer.url));
    const mvOthers = [env.worker, env.s3rver];
    const ops: Op[] = [
      { name: 'read', base: env.apiUrl, server: env.api, others: mvOthers, request: (i) => mindvaultGet(mindvault[i], '') },
      { name: 'peerSync', base: peer.url, server: peer.process, others: [], request: (i) => peerSync(notes[i]) },
      { name: 'open', base: env.apiUrl, server: env.api, others: mvOthers, request: (i) => mindvaultGet(mindvault[i], '?include=content') },
      { name: 'save', base: env.apiUrl, server: env.api, others: mvOthers, request: (i, fail) => mindvaultSave(mindvault[i], fail) },
      { name: 'saveFs', base: fs.url, server: fs.api, others: [], request: (i, fail) => mindvaultSave(onFs[i], fail) },
      { name: 'peerSave', base: peer.url, server: peer.process, others: [], request: (i, fail) => peerSave(notes[i], fail) },
    ];
    const perConnection = new Map<Op, number>();
    for (const op of ops) {
      const warmUp = await fire(op, WARM_UP_PER_CONNECTION);
      perConnection.set(op, Math.max(WARM_UP_PER_CONNECTION, Math.round((warmUp.rps * ROUND_SECONDS) / CONNECTIONS)));
    }
    const rounds: Record<Op['name'], Round[]> = { read: [], peerSync: [], open: [], save: [], saveFs: [], peerSave: [] };
    // Short rounds, alternating who goes first, so a burst of the machine's other work lands on both sides alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const op of round % 2 === 0 ? ops : [...ops].reverse()) rounds[op.name].push(await fire(op, perConnection.get(op)!));
    }
    const durability = {
      mindvaultPostgresSynchronousCommit: (await env.pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0].synchronous_commit,
      peerMariadbInnodbFlushLogAtTrxCommit: peer.innodbFlushLogAtTrxCommit,
    };
    const context = { peer: peerVersion(peerDir), durability };
    return [
      figure('read', 'read: Mindvault map detail ÷ Standard Notes sync of the item (req/s)', rounds.read, rounds.peerSync, GOALS.read, context),
      figure('open', 'open: Mindvault detail + 16 KiB head in one answer ÷ Standard Notes sync of the item (req/s)', rounds.open, rounds.peerSync, GOALS.open, context),
      figure('save', '16 KiB save: Mindvault upload ÷ Standard Notes sync of the changed item (req/s)', rounds.save, rounds.peerSave, GOALS.save, context),
      figure(
        'save',
        '16 KiB save, Mindvault on the filesystem store (the default install; no blob-store process on these cores) ÷ Standard Notes sync of the changed item (req/s)',
        rounds.saveFs,
        rounds.peerSave,
        GOALS.save,
        context,
      ),
    ];
  } finally {
    await fs.stop();
    await peer.stop();
  }
}

/**
 * One round of `op`: 32 connections, connection i on document i, each making `perConnection`
 * requests one after another. A round ends when every answer is in (none is cut off in flight, so
 * the requests counted are the work whose CPU is counted, and a client always knows the state its
 * last save left); its rate is all of them over the time from the start to the last answer.
 */
async function fire(op: Op, perConnection: number): Promise<Round> {
  const failures: string[] = [];
  const fail = (why: string) => void (failures.length < 5 && failures.push(why));
  let next = 0;
  const processes = [op.server, ...op.others];
  const before = processes.map((p) => cpuMsOf(p.pid));
  const started = performance.now();
  let lastAnswer = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: op.base,
        connections: CONNECTIONS,
        maxConnectionRequests: perConnection,
        setupClient: (client) => client.setRequests([op.request(next++ % CONNECTIONS, fail)]),
      },
      (error: unknown, done) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done)),
    );
    // autocannon notices that every connection is done only at its next one-second tick.
    instance.on('response', () => (lastAnswer = performance.now()));
  });
  const seconds = (lastAnswer - started) / 1000;
  await sleep(SETTLE_MS);
  const total = result.requests.total;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || failures.length > 0 || total !== CONNECTIONS * perConnection) {
    const what = `${total} of ${CONNECTIONS * perConnection} answered, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`;
    throw new Error(`${op.name}: ${what}${failures.length ? `; ${failures.join('; ')}` : ''}`);
  }
  const cpuUs = Object.fromEntries(processes.map((p, i) => [p.name, ((cpuMsOf(p.pid) - before[i]) / total) * 1000]));
  return {
    rps: total / seconds,
    requests: total,
    bytesPerAnswer: result.throughput.total / total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUs,
  };
}

interface MindvaultDocument {
  token: string;
  mapId: string;
  wrappedDek: string;
  head: string;
  ciphertext: Buffer;
}

/** An account with one map whose head is 16 KiB of ciphertext, through the API as a client makes them. */
async function mindvaultDocument(apiUrl: string): Promise<MindvaultDocument> {
  const user = await register(apiUrl);
  const mapId = await createMap(apiUrl, user);
  const detail = await json<{ envelope: { wrappedDek: string } }>('GET', `${apiUrl}/api/mindmaps/${mapId}`, undefined, user.accessToken);
  const ciphertext = randomBytes(CIPHERTEXT_BYTES);
  const first = await send('PUT', `${apiUrl}/api/mindmaps/${mapId}/blob`, {
    headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/octet-stream' },
    body: ciphertext,
  });
  if (first.status !== 201) throw new Error(`Mindvault's first upload answered ${first.status}`);
  const head = (JSON.parse(first.body.toString('utf8')) as { versionId: string }).versionId;
  return { token: user.accessToken, mapId, wrappedDek: detail.envelope.wrappedDek, head, ciphertext };
}

/**
 * A second API on the same database and Redis, storing blobs in a folder of its own (the default
 * install's store) instead of s3rver: the save measured without a blob-store process sharing the
 * cores. No worker serves it; nothing it stores outlives the run.
 */
async function startFilesystemApi(apiEnv: Record<string, string>): Promise<{ url: string; api: Child; stop: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mindvault-bench-fs-'));
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(apiEnv).filter(([name]) => !name.startsWith('S3_')));
  const api = spawnNode('api', 'src/main.js', { ...env, DATA_DIR: dataDir, PORT: String(port) }, API_NODE_OPTIONS);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await api.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${url}/health/ready`, api);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, api, stop };
}

function mindvaultGet(doc: MindvaultDocument, query: string): autocannon.Request {
  return { method: 'GET', path: `/api/mindmaps/${doc.mapId}${query}`, headers: { authorization: `Bearer ${doc.token}` } };
}

/** A save as the reference client makes it: on the head it last saw, for the envelope it encrypted to. */
function mindvaultSave(doc: MindvaultDocument, fail: (why: string) => void): autocannon.Request {
  return {
    method: 'PUT',
    path: `/api/mindmaps/${doc.mapId}/blob`,
    body: doc.ciphertext,
    setupRequest: (request) => ({
      ...request,
      headers: {
        authorization: `Bearer ${doc.token}`,
        'content-type': 'application/octet-stream',
        'if-match': `"${doc.head}"`,
        'if-envelope-match': doc.wrappedDek,
      },
    }),
    onResponse: (status, body) => {
      if (status !== 201) return fail(`Mindvault save answered ${status}`);
      doc.head = (JSON.parse(body) as { versionId: string }).versionId;
    },
  };
}

interface PeerDocument {
  token: string;
  item: Record<string, unknown>;
  updatedAt: number;
  syncToken: string | undefined;
}

interface SyncAnswer {
  data: {
    saved_items: { uuid: string; updated_at_timestamp: number }[];
    retrieved_items: { uuid: string; content: string }[];
    conflicts: unknown[];
    sync_token: string;
  };
}

/**
 * An account registered as a Standard Notes client registers (protocol 004: the server password
 * and key parameters; no key derivation here, the server only stores them) and one note whose
 * content is a 004 ciphertext string around 16 KiB of (random) ciphertext, saved by a sync.
 */
async function peerDocument(url: string): Promise<PeerDocument> {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
  const account = await json<{ data: { session: { access_token: string } } }>('POST', `${url}/v1/users`, {
    email: `bench-${hex(6)}@example.com`,
    password: hex(32),
    api: SN_API,
    version: '004',
    pw_nonce: hex(32),
    origination: 'registration',
    created: String(Date.now()),
    ephemeral: false,
  });
  const token = account.data.session.access_token;
  const uuid = randomUUID();
  const authenticated = Buffer.from(JSON.stringify({ u: uuid, v: '004' })).toString('base64');
  const item = {
    uuid,
    content_type: 'Note',
    content: `004:${hex(24)}:${randomBytes(CIPHERTEXT_BYTES).toString('base64')}:${authenticated}`,
    enc_item_key: `004:${hex(24)}:${b64(80)}:${authenticated}`,
    items_key_id: randomUUID(),
    deleted: false,
  };
  const saved = await json<SyncAnswer>('POST', `${url}/v1/items`, { api: SN_API, limit: 150, items: [item] }, token);
  if (saved.data.saved_items.length !== 1) throw new Error(`the peer did not save the note: ${JSON.stringify(saved.data.conflicts)}`);
  const check = await json<SyncAnswer>('POST', `${url}/v1/items`, { api: SN_API, limit: 150, items: [] }, token);
  if (check.data.retrieved_items[0]?.content !== item.content) throw new Error('the peer did not answer the note with its content');
  return { token, item, updatedAt: saved.data.saved_items[0].updated_at_timestamp, syncToken: saved.data.sync_token };
}

/** A sync from a client that has nothing yet (no sync token): the answer carries the note and its ciphertext. */
function peerSync(doc: PeerDocument): autocannon.Request {
  return {
    method: 'POST',
    path: '/v1/items',
    headers: { authorization: `Bearer ${doc.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ api: SN_API, limit: 150, items: [] }),
  };
}

/** A sync carrying the changed note, as a client sends it: with what it last saw of it and its sync token. */
function peerSave(doc: PeerDocument, fail: (why: string) => void): autocannon.Request {
  return {
    method: 'POST',
    path: '/v1/items',
    headers: { authorization: `Bearer ${doc.token}`, 'content-type': 'application/json' },
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify({
        api: SN_API,
        limit: 150,
        sync_token: doc.syncToken,
        items: [{ ...doc.item, updated_at_timestamp: doc.updatedAt }],
      }),
    }),
    onResponse: (status, body) => {
      if (status !== 200) return fail(`the peer's save answered ${status}`);
      const answer = (JSON.parse(body) as SyncAnswer).data;
      if (answer.conflicts.length > 0 || answer.saved_items.length !== 1) return fail(`the peer's save: ${JSON.stringify(answer.conflicts).slice(0, 200)}`);
      doc.updatedAt = answer.saved_items[0].updated_at_timestamp;
      doc.syncToken = answer.sync_token;
    },
  };
}

function figure(
  kind: keyof typeof GOALS,
  name: string,
  ours: Round[],
  theirs: Round[],
  goal: number,
  context: Record<string, unknown>,
): Figure {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const side = (rounds: Round[]) => ({
    reqPerS: round1(mean(rounds.map((r) => r.rps))),
    rounds: rounds.map((r) => round1(r.rps)),
    requestsMeasured: rounds.reduce((s, r) => s + r.requests, 0),
    requestsPerConnectionAndRound: rounds[0].requests / CONNECTIONS,
    bytesPerAnswer: Math.round(mean(rounds.map((r) => r.bytesPerAnswer))),
    latencyMs: { p50: med(rounds.map((r) => r.p50)), p99: Math.max(...rounds.map((r) => r.p99)) },
    serverCpuUsPerRequest: Object.fromEntries(Object.keys(rounds[0].cpuUs).map((name) => [name, Math.round(med(rounds.map((r) => r.cpuUs[name])))])),
  });
  const mv = side(ours);
  const sn = side(theirs);
  const ratio = mv.reqPerS / sn.reqPerS;
  const roundRatios = ours.map((r, i) => r.rps / theirs[i].rps);
  const cpuMv = mv.serverCpuUsPerRequest.api;
  const cpuSn = sn.serverCpuUsPerRequest['standard-notes'];
  const extra = kind === 'read' ? `, answers of ${kb(mv.bytesPerAnswer)} vs ${kb(sn.bytesPerAnswer)}` : '';
  return {
    name: `${name}, 32 connections, one 16 KiB document each`,
    goal: `≥ ${goal}`,
    ratio,
    pass: ratio >= goal,
    summary:
      `${Math.round(mv.reqPerS)} vs ${Math.round(sn.reqPerS)} req/s (rounds ${Math.min(...roundRatios).toFixed(2)}–${Math.max(...roundRatios).toFixed(2)})${extra}; ` +
      `server CPU ${cpuMv} vs ${cpuSn} µs a request (peer ÷ Mindvault ${(cpuSn / cpuMv).toFixed(1)})`,
    raw: {
      connections: CONNECTIONS,
      rounds: ROUNDS,
      mindvault: mv,
      standardNotes: sn,
      roundRatios: roundRatios.map(round3),
      cpuPeerOverMindvault: round2(cpuSn / cpuMv),
      ...context,
    },
  };
}

function skipped(why: string): Figure {
  return {
    name: 'Mindvault ÷ the Standard Notes server: read, open, 16 KiB save (req/s) and server CPU a request',
    goal: `read ≥ ${GOALS.read}, open ≥ ${GOALS.open}, 16 KiB save ≥ ${GOALS.save}`,
    // Nothing was measured: no number may stand where a ratio would.
    ratio: Number.NaN,
    pass: null,
    skipped: why,
    summary: `skipped: ${why}`,
    raw: { skipped: why },
  };
}

function peerVersion(peerDir: string): string {
  const version = (pkg: string) => (JSON.parse(readFileSync(join(peerDir, 'packages', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  return `home-server ${version('home-server')}, syncing-server ${version('syncing-server')}, auth ${version('auth')}`;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
