import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client as MinioClient } from 'minio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createDocument,
  deriveAccountKeys,
  INSECURE_TEST_KDF_POLICY,
  type MindMapDocument,
  MindvaultApi,
  openShareLink,
  parseShareUrl,
  unlockKeyBundle,
  unwrapOwnerDek,
  Vault,
} from '../../client/src/index';
import type { S3BlobStoreConfig } from '../../src/storage/blob-store.config';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FAST_KDF } from '../utils/sdk';

/** Tiny Argon2id cost: the server accepts memoryKiB ≥ 8 and iterations ≥ 1. */

/**
 * The zero-knowledge claim, checked from the outside: after a full client session (register,
 * push, pull on a second device, share, open the link) the server's database, blob store and
 * (with BullMQ) Redis hold no plaintext and no key that opens it, in any encoding.
 */
describe('the reference client against the real server (PostgreSQL + S3)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ blob: 's3' });
  });
  afterAll(() => t?.close());

  it('leaves no marker, title, password or key anywhere in the database or the blob store', async () => {
    const { email, secrets, mapId, stream } = await clientSession(t);
    const rows = await databaseCells(t);
    const objects = await storedObjects(t.config.blob as S3BlobStoreConfig);

    // The scan sees what it should: the rows exist, the email is found, the objects are ours.
    const tables = new Set(rows.map((c) => c.where.split('.')[0]));
    for (const table of ['users', 'refresh_tokens', 'mind_maps', 'map_versions', 'shares']) expect(tables).toContain(table);
    expect(findings(rows, [text('email (stored in clear by design)', email)])).not.toEqual([]);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.some((o) => o.bytes.subarray(0, 3).toString('latin1') === 'MVB')).toBe(true);

    expect(findings(rows, secrets)).toEqual([]);
    expect(findings(objects, secrets)).toEqual([]);
    // The event stream a device held open all along: it saw the map's events, and nothing else.
    expect(stream.bytes.includes(Buffer.from(`"mapId":"${mapId}"`))).toBe(true);
    expect(findings([stream], secrets)).toEqual([]);
  });

  it('finds a planted secret in every encoding it claims to check (the scanner works)', () => {
    const secret = text('planted', 'needle-in-a-haystack');
    for (const encoding of secret.encodings) {
      for (const pad of ['', 'x', 'xy', 'xyz']) {
        const planted: Cell = { where: `probe.${encoding.name}`, bytes: Buffer.concat([Buffer.from(`{"v":"${pad}`), encoding.embedIn(pad.length), Buffer.from('"}')]) };
        expect(findings([planted], [secret]), `${encoding.name} with ${pad.length} bytes before`).not.toEqual([]);
      }
    }
  });
});

describe.skipIf(!inject('redisUrl'))('the reference client against the real server on BullMQ (Redis too)', () => {
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await createTestApp({ blob: 's3', queue: 'bullmq' });
    redis = new Redis(inject('redisUrl'), { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  });
  afterAll(async () => {
    await redis?.quit();
    await t?.close();
  });

  it('leaves no marker, title, password or key in any Redis key or value (nor the database or blob store)', async () => {
    // maxVersions 1: the second save queues a prune job, so the queue holds this account's jobs.
    const { secrets, mapId, stream } = await clientSession(t, { maxVersions: 1 });
    const cells = await redisCells(redis);
    // The account's event log is a Redis stream too, and is scanned with the rest.
    expect(cells.some((c) => c.where.startsWith('redis stream ') && c.where.includes(`${t.config.queue.prefix}:events:`) && c.bytes.includes(Buffer.from(mapId)))).toBe(true);
    expect(findings([stream], secrets)).toEqual([]);

    // The scan sees what it should: this app's BullMQ keys, and a job naming the map.
    const ours = cells.filter((c) => c.where.includes(` ${t.config.queue.prefix}:`));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.some((c) => c.bytes.includes(Buffer.from(mapId)))).toBe(true);

    expect(findings(cells, secrets)).toEqual([]);
    expect(findings(await databaseCells(t), secrets)).toEqual([]);
    expect(findings(await storedObjects(t.config.blob as S3BlobStoreConfig), secrets)).toEqual([]);
  });
});

/**
 * Register, create a map, save twice, pull on a second device, share and open the link; returns
 * every secret the client holds, to look for on the server.
 */
async function clientSession(t: TestApp, options: { maxVersions?: number } = {}): Promise<{ email: string; mapId: string; secrets: Secret[]; stream: Cell }> {
  const tag = randomBytes(6).toString('hex');
  const email = `zk-${tag}@example.com`;
  const password = `correct horse battery ${tag} staple`;
  const title = `Quarterly secret plans ${tag}`;
  const marker = `ZK-MARKER-${randomBytes(12).toString('hex')}`;
  const document: MindMapDocument = createDocument(title);
  document.root.children.push(
    { id: 'n1', text: `launch codes: ${marker}`, children: [{ id: 'n2', text: 'Ünïcödé → 思维导图 🗺️', children: [] }] },
    { id: 'n3', text: 'second branch', children: [], position: { x: 10, y: -4.5 } },
  );

  // Device 1: a new account, a map, two versions.
  const device1 = new MindvaultApi({ baseUrl: t.baseUrl });
  const vault1 = await Vault.register(device1, { email, password }, FAST_KDF);
  // Every byte of the account's event stream, as a device receives it, from now to the end.
  const capture = await captureEventStream(t.baseUrl, (await device1.http.tokens())!.accessToken);
  const map = await vault1.createMap({ title, ...options });
  await vault1.push(map.id, createDocument('draft'));
  const saved = await vault1.push(map.id, document);
  expect(saved.sizeBytes).toBeGreaterThan(0);

  // Device 2: nothing but email and password.
  const device2 = new MindvaultApi({ baseUrl: t.baseUrl });
  const vault2 = await Vault.login(device2, { email, password }, FAST_KDF);
  expect((await vault2.listMaps()).map((m) => m.title)).toEqual([title]);
  const pulled = await vault2.pull(map.id);
  expect(pulled).toMatchObject({ mapId: map.id, title, versionId: saved.versionId, seq: 2 });
  expect(pulled.document).toEqual(document);

  // A link share, opened with no account at all.
  const share = await vault2.share(map.id);
  expect(new URL(share.url).pathname).toBe(`/s/${share.token}`);
  const opened = await openShareLink(share.url);
  expect(opened).toEqual({ title, versionId: saved.versionId, document });

  const { linkKey } = parseShareUrl(share.url);
  const keys = await deriveAccountKeys({ email, password, params: await device2.auth.prelogin(email) }, { policy: INSECURE_TEST_KDF_POLICY });
  const bundle = await device2.auth.keys();
  const { keyPairs } = await unlockKeyBundle(bundle, keys.keyEncryptionKey);
  const { dek } = await unwrapOwnerDek((await device2.mindmaps.get(map.id)).envelope, keyPairs, {
    userId: vault2.userId,
    mapId: map.id,
    keyVersion: bundle.keyVersion,
  });
  const plaintext = Buffer.from(JSON.stringify(document), 'utf8');
  return {
    email,
    mapId: map.id,
    stream: await capture.stop(`share.created","mapId":"${map.id}"`),
    secrets: [
      text('marker', marker),
      text('title', title),
      text('password', password),
      text('unicode node text', 'Ünïcödé → 思维导图'),
      bytes('document plaintext (first 48 bytes)', plaintext.subarray(0, 48)),
      bytes('link key', linkKey),
      bytes('data key', dek),
      bytes('key-encryption key', keys.keyEncryptionKey),
      bytes('authKey (the server may keep only a hash)', keys.authKey),
      bytes('X25519 private key', keyPairs.classical.secretKey),
      bytes('ML-KEM-768 seed', keyPairs.pq.seed),
    ],
  };
}

/** Reads GET /api/events into memory until `stop`, which waits for `until` to have arrived. */
async function captureEventStream(baseUrl: string, accessToken: string): Promise<{ stop(until: string): Promise<Cell> }> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/events`, { headers: { authorization: `Bearer ${accessToken}` }, signal: controller.signal });
  expect(response.status).toBe(200);
  const chunks: Buffer[] = [];
  const reading = (async () => {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
    } catch {
      // aborted by stop()
    }
  })();
  return {
    stop: async (until) => {
      const deadline = Date.now() + 10_000;
      while (!Buffer.concat(chunks).includes(Buffer.from(until)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      controller.abort();
      await reading;
      return { where: 'event stream GET /api/events', bytes: Buffer.concat(chunks) };
    },
  };
}

/** Every key of the Redis database and every value under it, whatever its type. */
async function redisCells(redis: Redis): Promise<Cell[]> {
  const cells: Cell[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scanBuffer(cursor, 'COUNT', 500);
    cursor = next.toString();
    for (const key of keys) {
      const name = key.toString('latin1');
      cells.push({ where: `redis key ${name}`, bytes: key });
      const type = await redis.type(key);
      let values: Buffer[] = [];
      if (type === 'string') values = [(await redis.getBuffer(key)) ?? Buffer.alloc(0)];
      else if (type === 'hash') values = Object.entries(await redis.hgetallBuffer(key)).flatMap(([f, v]) => [Buffer.from(f), v]);
      else if (type === 'list') values = await redis.lrangeBuffer(key, 0, -1);
      else if (type === 'set') values = await redis.smembersBuffer(key);
      else if (type === 'zset') values = await redis.zrangeBuffer(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') values = [Buffer.from(JSON.stringify(await redis.xrange(key, '-', '+')))];
      for (const value of values) cells.push({ where: `redis ${type} ${name}`, bytes: value });
    }
  } while (cursor !== '0');
  return cells;
}

interface Cell {
  where: string;
  bytes: Buffer;
}

interface Encoding {
  name: string;
  /** Byte patterns any occurrence contains. */
  patterns: Buffer[];
  /** Lower-cases the haystack first (hex and text are case-insensitive). */
  caseInsensitive: boolean;
  /** The secret encoded as it would be after `offset` bytes of other data (for the self-test). */
  embedIn(offset: number): Buffer;
}

interface Secret {
  name: string;
  encodings: Encoding[];
}

function text(name: string, value: string): Secret {
  const utf8 = Buffer.from(value, 'utf8');
  const utf16be = Buffer.from(value, 'utf16le').swap16();
  return {
    name,
    encodings: [
      plain('utf8 (any case)', utf8, true),
      plain('utf16le', Buffer.from(value, 'utf16le'), false),
      plain('utf16be', utf16be, false),
      plain('url-encoded', Buffer.from(encodeURIComponent(value)), true),
      plain('json \\u-escaped', Buffer.from(JSON.stringify(value).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)), true),
      ...binaryEncodings(utf8),
    ],
  };
}

function bytes(name: string, value: Uint8Array): Secret {
  const raw = Buffer.from(value);
  return { name, encodings: [plain('raw bytes', raw, false), ...binaryEncodings(raw)] };
}

function plain(name: string, pattern: Buffer, caseInsensitive: boolean): Encoding {
  return { name, patterns: [caseInsensitive ? lower(pattern) : pattern], caseInsensitive, embedIn: () => pattern };
}

/** base64 and base64url at all three alignments, and hex: how binary values travel as text. */
function binaryEncodings(value: Buffer): Encoding[] {
  const base64At = (offset: number, url: boolean) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), value]).toString(url ? 'base64url' : 'base64').replace(/=+$/, '');
    // Characters mixing the secret with what comes before (or after) it vary: keep the pure middle.
    return encoded.slice(Math.ceil((offset * 4) / 3), Math.floor(((offset + value.length) * 4) / 3));
  };
  const base64 = (url: boolean): Encoding => ({
    name: url ? 'base64url' : 'base64',
    patterns: [0, 1, 2].map((offset) => Buffer.from(base64At(offset, url))),
    caseInsensitive: false,
    embedIn: (offset) => Buffer.from(Buffer.concat([Buffer.alloc(offset, 0x41), value]).toString(url ? 'base64url' : 'base64')),
  });
  return [
    base64(false),
    base64(true),
    { name: 'hex (any case)', patterns: [Buffer.from(value.toString('hex'))], caseInsensitive: true, embedIn: () => Buffer.from(value.toString('hex').toUpperCase()) },
  ];
}

function lower(buffer: Buffer): Buffer {
  return Buffer.from(buffer.toString('latin1').toLowerCase(), 'latin1');
}

function findings(cells: Cell[], secrets: Secret[]): string[] {
  const found: string[] = [];
  for (const cell of cells) {
    const lowered = lower(cell.bytes);
    for (const secret of secrets) {
      for (const encoding of secret.encodings) {
        const haystack = encoding.caseInsensitive ? lowered : cell.bytes;
        if (encoding.patterns.some((p) => p.length > 0 && haystack.includes(p))) found.push(`${secret.name} as ${encoding.name} in ${cell.where}`);
      }
    }
  }
  return found;
}

/** Every column of every row of every table, as bytes. */
async function databaseCells(t: TestApp): Promise<Cell[]> {
  const tables = await t.db.pool.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  const cells: Cell[] = [];
  for (const { schema, name } of tables.rows) {
    const result = await t.db.pool.query(`SELECT * FROM "${schema}"."${name}"`);
    for (const [i, row] of result.rows.entries()) {
      for (const [column, value] of Object.entries(row as Record<string, unknown>)) {
        cells.push({ where: `${name}.${column}[${i}]`, bytes: cellBytes(value) });
      }
    }
  }
  return cells;
}

function cellBytes(value: unknown): Buffer {
  if (value === null || value === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Date) return Buffer.from(value.toISOString());
  if (typeof value === 'object') return Buffer.from(JSON.stringify(value));
  return Buffer.from(String(value));
}

/** Every object in the bucket: its key, its metadata and its bytes. */
async function storedObjects(config: S3BlobStoreConfig): Promise<Cell[]> {
  const url = new URL(config.endPoint);
  const s3 = new MinioClient({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    pathStyle: true,
    region: 'us-east-1',
  });
  const names: string[] = [];
  for await (const item of s3.listObjectsV2(config.bucket, '', true) as AsyncIterable<{ name?: string }>) {
    if (item.name) names.push(item.name);
  }
  const cells: Cell[] = [];
  for (const name of names) {
    const chunks: Buffer[] = [];
    for await (const chunk of await s3.getObject(config.bucket, name)) chunks.push(chunk as Buffer);
    const stat = await s3.statObject(config.bucket, name);
    cells.push({ where: `s3://${config.bucket}/${name}`, bytes: Buffer.concat(chunks) });
    cells.push({ where: `s3 key+metadata of ${name}`, bytes: Buffer.from(JSON.stringify({ name, meta: stat.metaData })) });
  }
  return cells;
}
