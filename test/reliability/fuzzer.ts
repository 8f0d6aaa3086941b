import { randomUUID } from 'node:crypto';

/**
 * A schema-driven fuzzer over the server's own OpenAPI document: for every documented operation it
 * builds requests that are valid but for one thing (a wrong type, a huge or unicode string, bad
 * base64, a key of the wrong length, a negative number, a traversal in an id, a missing or extra
 * field), or that are broken as a whole (malformed JSON, the wrong content type, an oversized
 * body, no or a forged token). Deterministic for a seed, so a failure can be replayed.
 */

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  security?: Record<string, unknown>[];
}

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  description?: string;
  nullable?: boolean;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

export interface FuzzContext {
  /** A valid access token of the fuzzing user. */
  token: string;
  /** Ids that exist (the fuzzing user's map, version, share…), so some cases go deep. */
  ids: string[];
}

export interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What this case is, for the failure message. */
  label: string;
}

export interface FuzzOutcome {
  fuzzCase: FuzzCase;
  status: number;
  body: unknown;
  problem?: string;
}

const UPPER_SNAKE = /^[A-Z][A-Z0-9_]*$/;

/** mulberry32: small, fast and good enough to pick test cases reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const b64 = (bytes: number, rnd: () => number) =>
  Buffer.from(Array.from({ length: bytes }, () => Math.floor(rnd() * 256))).toString('base64');

/** Values no field should ever accept as-is, or that stress parsing and validation. */
function nastyValues(rnd: () => number): unknown[] {
  return [
    null,
    0,
    -1,
    -2147483649,
    1.5,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    ' ',
    'x'.repeat(100_000),
    '😀'.repeat(5000),
    '\u0000\u0001\u0002',
    'Ω≈ç√∫˜µ≤≥÷ 𝕳𝖊𝖑𝖑𝖔 \u202e',
    'not base64!!',
    'A'.repeat(43),
    'YQ',
    b64(31, rnd),
    b64(33, rnd),
    b64(1183, rnd),
    b64(1089, rnd),
    b64(100_000, rnd),
    Buffer.from('c'.repeat(40)).toString('base64url') + '-_',
    '../../../../etc/passwd',
    '..%2F..%2F..%2Fetc%2Fpasswd',
    "' OR 1=1 --",
    '${jndi:ldap://127.0.0.1/x}',
    '<script>alert(1)</script>',
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    randomUUID().toUpperCase(),
    '2026-13-45T99:99:99Z',
    true,
    false,
    [],
    [null],
    {},
    { $ne: null },
    { __proto__: { polluted: true } },
    { constructor: { prototype: { polluted: true } } },
    Array.from({ length: 1000 }, () => 1),
  ];
}

/** Things to put where a path or query id goes. */
function nastyIds(rnd: () => number, ids: string[]): string[] {
  return [
    randomUUID(),
    ids[Math.floor(rnd() * ids.length)] ?? randomUUID(),
    '..',
    '..%2F..%2Fetc%2Fpasswd',
    '%2e%2e%2f%2e%2e%2f',
    '....//....//etc',
    '%00',
    'null',
    'undefined',
    '-1',
    '0',
    '1e309',
    'x'.repeat(5000),
    encodeURIComponent('😀'.repeat(50)),
    encodeURIComponent("' OR 1=1 --"),
    randomUUID().toUpperCase(),
    randomUUID().replace(/-/g, ''),
    `${randomUUID()}%20`,
    encodeURIComponent('users/../../secret'),
  ];
}

export class Fuzzer {
  private readonly rnd: () => number;
  private readonly operations: { method: string; path: string; op: Operation }[];

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly context: FuzzContext,
    readonly seed: number,
  ) {
    this.rnd = prng(seed);
    this.operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
  }

  get operationCount(): number {
    return this.operations.length;
  }

  /** The n-th case: operations are visited round-robin, the mutation is drawn at random. */
  caseAt(n: number): FuzzCase {
    const { method, path, op } = this.operations[n % this.operations.length];
    const strategy = this.pick([
      'field',
      'field',
      'field',
      'field',
      'path',
      'path',
      'query',
      'missing',
      'null-field',
      'null-field',
      'extra',
      'malformed-json',
      'content-type',
      'auth',
      'whole-body',
      'oversized',
    ] as const);
    const bodySchema = this.jsonBodySchema(op);
    const isBlob = !!op.requestBody?.content['application/octet-stream'];
    let label = `${strategy}`;
    let body: unknown = bodySchema ? this.sample(bodySchema, 0) : undefined;
    let rawBody: Buffer | undefined;
    const headers: Record<string, string> = {};
    let pathParams = this.validPathParams(path);
    let query = '';

    switch (strategy) {
      case 'field': {
        if (body !== undefined && typeof body === 'object' && body !== null) {
          const mutated = this.mutateLeaf(body);
          label += ` ${mutated}`;
        } else {
          query = this.nastyQuery(op);
          label += ` (no body) query ${query}`;
        }
        break;
      }
      case 'path': {
        const names = Object.keys(pathParams);
        if (names.length > 0) {
          const name = this.pick(names);
          pathParams = { ...pathParams, [name]: this.pick(nastyIds(this.rnd, this.context.ids)) };
          label += ` ${name}=${pathParams[name].slice(0, 60)}`;
        } else {
          label += ' (no path params) traversal appended';
          pathParams = {};
          return this.finish(method, `${path}/${this.pick(nastyIds(this.rnd, this.context.ids))}`, headers, body, rawBody, label, op);
        }
        break;
      }
      case 'query':
        query = this.nastyQuery(op);
        label += ` ${query.slice(0, 80)}`;
        break;
      case 'missing':
        if (body && typeof body === 'object' && !Array.isArray(body)) {
          const keys = Object.keys(body);
          if (keys.length > 0) {
            const key = this.pick(keys);
            delete (body as Record<string, unknown>)[key];
            label += ` without ${key}`;
          }
        }
        break;
      case 'null-field': {
        // Every documented field present, then one of them null or an empty container: "optional"
        // must mean "may be left out", never "may be erased".
        if (bodySchema?.properties) {
          const full: Record<string, unknown> = {};
          for (const [key, prop] of Object.entries(bodySchema.properties)) full[key] = this.sample(prop, 1);
          const key = this.pick(Object.keys(full));
          full[key] = this.pick([null, [], {}, '']);
          body = full;
          label += ` ${key}=${JSON.stringify(full[key])}`;
        }
        break;
      }
      case 'extra':
        if (body && typeof body === 'object' && !Array.isArray(body)) {
          (body as Record<string, unknown>)[this.pick(['isAdmin', 'role', 'ownerId', '__proto__', 'usageBytes', 'tier'])] = this.pick(
            nastyValues(this.rnd),
          );
          label += ' extra field';
        }
        break;
      case 'malformed-json':
        rawBody = Buffer.from(this.pick(['{', '{"a":', '{"email": "x@example.com",}', "{'a': 1}", '[1,2', '\u0000', 'nul', '{"a":1}{"b":2}', '{"__proto__":{"x":1}}']));
        headers['content-type'] = 'application/json';
        label += ` ${rawBody.toString('utf8').slice(0, 30)}`;
        break;
      case 'content-type':
        headers['content-type'] = this.pick([
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
          'application/octet-stream',
          'image/png',
          'application/jsonx',
          ';;;',
        ]);
        rawBody = Buffer.from(body === undefined ? 'hello' : JSON.stringify(body));
        label += ` ${headers['content-type']}`;
        break;
      case 'auth': {
        const forged = this.pick([
          '',
          'Bearer',
          'Bearer ',
          'Basic dXNlcjpwYXNz',
          `Bearer ${this.context.token}x`,
          `Bearer ${this.context.token.split('.').slice(0, 2).join('.')}.`,
          `bearer ${this.context.token}`,
          `Bearer ${'a'.repeat(10_000)}`,
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
        ]);
        headers.authorization = forged;
        label += ` authorization=${forged.slice(0, 40)}`;
        break;
      }
      case 'whole-body':
        body = this.pick(nastyValues(this.rnd));
        label += ` body=${JSON.stringify(body)?.slice(0, 40)}`;
        break;
      case 'oversized':
        if (isBlob) {
          // Announces far more than MAX_BLOB_BYTES: must be refused before a byte is stored.
          headers['content-length-override'] = String(64 * 1024 * 1024);
          label += ' blob announcing 64 MiB';
        } else if (this.rnd() < 0.25) {
          // Past the 16 MiB JSON limit.
          rawBody = Buffer.from(`{"x":"${'a'.repeat(17 * 1024 * 1024)}"}`);
          headers['content-type'] = 'application/json';
          label += ' 17 MiB JSON';
        } else if (body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length > 0) {
          (body as Record<string, unknown>)[this.pick(Object.keys(body))] = 'A'.repeat(1024 * 1024);
          label += ' a 1 MiB field';
        }
        break;
    }
    return this.finish(method, this.fillPath(path, pathParams) + (query ? `?${query}` : ''), headers, body, rawBody, label, op);
  }

  private finish(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: unknown,
    rawBody: Buffer | undefined,
    label: string,
    op: Operation,
  ): FuzzCase {
    if (op.security?.some((s) => 'bearer' in s) && headers.authorization === undefined) {
      headers.authorization = `Bearer ${this.context.token}`;
    }
    if (headers.authorization === '') delete headers.authorization;
    const isBlob = !!op.requestBody?.content['application/octet-stream'];
    if (rawBody === undefined && isBlob && method !== 'GET') {
      rawBody = Buffer.from(b64(this.pick([1, 16, 1000]), this.rnd));
      headers['content-type'] ??= 'application/octet-stream';
    } else if (rawBody === undefined && body !== undefined && method !== 'GET' && method !== 'DELETE') {
      rawBody = Buffer.from(JSON.stringify(body) ?? 'null');
      headers['content-type'] ??= 'application/json';
    }
    return { method, path, headers, body: rawBody, label: `${method} ${path.slice(0, 120)} [${label}]` };
  }

  private jsonBodySchema(op: Operation): Schema | undefined {
    const schema = op.requestBody?.content['application/json']?.schema;
    return schema ? this.resolve(schema) : undefined;
  }

  private resolve(schema: Schema): Schema {
    if (schema.$ref) {
      const name = schema.$ref.split('/').pop()!;
      return this.resolve(this.doc.components?.schemas?.[name] ?? {});
    }
    const composed = schema.allOf ?? schema.oneOf ?? schema.anyOf;
    if (composed && composed.length > 0) return this.resolve(composed[0]);
    return schema;
  }

  /** A value the schema would accept (as far as the document says). */
  private sample(raw: Schema, depth: number): unknown {
    const schema = this.resolve(raw);
    if (schema.enum) return this.pick(schema.enum);
    switch (schema.type) {
      case 'object':
      case undefined: {
        if (!schema.properties || depth > 4) return {};
        const out: Record<string, unknown> = {};
        for (const [key, prop] of Object.entries(schema.properties)) {
          if (schema.required?.includes(key) || this.rnd() < 0.5) out[key] = this.sample(prop, depth + 1);
        }
        return out;
      }
      case 'array':
        return schema.items && depth < 4 ? Array.from({ length: Math.floor(this.rnd() * 3) }, () => this.sample(schema.items!, depth + 1)) : [];
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? 0;
        const max = schema.maximum ?? Math.max(min + 100, 100);
        return Math.floor(min + this.rnd() * (max - min + 1));
      }
      case 'boolean':
        return this.rnd() < 0.5;
      case 'string':
        return this.sampleString(schema);
      default:
        return null;
    }
  }

  private sampleString(schema: Schema): string {
    switch (schema.format) {
      case 'uuid':
        return this.rnd() < 0.7 ? (this.pick(this.context.ids) ?? randomUUID()) : randomUUID();
      case 'email':
        return `fuzz-${Math.floor(this.rnd() * 1e9)}@example.com`;
      case 'date-time':
        return new Date(Date.now() + 86_400_000).toISOString();
      case 'byte': {
        const size = /(\d+)(?:\.\.(\d+))? bytes/.exec(schema.description ?? '');
        const min = size ? Number(size[1]) : 32;
        return b64(min, this.rnd);
      }
      default:
        return `fuzz-${Math.floor(this.rnd() * 1e6)}`;
    }
  }

  /** Replaces one leaf (or a nested object) of `value` with a nasty value; returns where. */
  private mutateLeaf(value: object): string {
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]) => {
      if (path.length > 0) paths.push(path);
      if (v && typeof v === 'object') {
        for (const [k, child] of Object.entries(v)) walk(child, [...path, Array.isArray(v) ? Number(k) : k]);
      }
    };
    walk(value, []);
    if (paths.length === 0) return 'nothing to mutate';
    const path = this.pick(paths);
    let parent: Record<string | number, unknown> = value as Record<string, unknown>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const nasty = this.pick(nastyValues(this.rnd));
    parent[path[path.length - 1]] = nasty;
    return `${path.join('.')}=${(JSON.stringify(nasty) ?? String(nasty)).slice(0, 40)}`;
  }

  private nastyQuery(op: Operation): string {
    const params = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    const name = params.length > 0 && this.rnd() < 0.8 ? this.pick(params) : this.pick(['limit', 'cursor', 'versionId', 'x', '__proto__']);
    const value = this.pick([
      ...nastyIds(this.rnd, this.context.ids),
      '-5',
      '0',
      '101',
      '1.5',
      'NaN',
      'Infinity',
      '[]',
      'true',
      encodeURIComponent('x'.repeat(3000)),
      Buffer.from('["2026-01-01T00:00:00.000Z","not-a-uuid"]').toString('base64url'),
    ]);
    const repeat = this.rnd() < 0.1 ? `&${name}=${value}` : '';
    return `${encodeURIComponent(name)}=${value}${repeat}`;
  }

  private validPathParams(path: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const match of path.matchAll(/\{([^}]+)\}/g)) out[match[1]] = this.pick(this.context.ids) ?? randomUUID();
    return out;
  }

  private fillPath(path: string, params: Record<string, string>): string {
    return path.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? randomUUID());
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rnd() * items.length)];
  }
}

/** Sends one case; a connection the server cut is reported as status 0. */
export async function sendCase(baseUrl: string, fuzzCase: FuzzCase): Promise<{ status: number; body: unknown }> {
  const { 'content-length-override': announced, ...headers } = fuzzCase.headers;
  if (announced !== undefined) return sendAnnouncing(baseUrl, fuzzCase, headers, Number(announced));
  try {
    const canHaveBody = fuzzCase.method !== 'GET' && fuzzCase.method !== 'HEAD';
    const res = await fetch(baseUrl + fuzzCase.path, { method: fuzzCase.method, headers, body: canHaveBody ? fuzzCase.body : undefined });
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('application/json') && text.length > 0) body = JSON.parse(text);
    return { status: res.status, body };
  } catch (error) {
    return { status: 0, body: String(error) };
  }
}

/** A blob upload whose Content-Length promises more than is sent: the answer must come before the bytes. */
async function sendAnnouncing(
  baseUrl: string,
  fuzzCase: FuzzCase,
  headers: Record<string, string>,
  announced: number,
): Promise<{ status: number; body: unknown }> {
  const { request } = await import('node:http');
  return new Promise((resolve) => {
    const req = request(baseUrl + fuzzCase.path, {
      method: fuzzCase.method,
      headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': announced },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        req.destroy();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // left as text; the check reports it
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', () => resolve({ status: 0, body: 'connection error' }));
    req.write(Buffer.alloc(1024));
    setTimeout(() => {
      req.destroy();
      resolve({ status: 0, body: 'no answer within 5 s to an oversized announcement' });
    }, 5000).unref();
  });
}

/** What the contract requires of an answer; undefined when it complies. */
export function checkAnswer(status: number, body: unknown): string | undefined {
  if (status === 0) return `no answer: ${String(body)}`;
  // The readiness probe's documented 503 says a dependency did not answer within its 2 s (on a
  // machine loaded as a fuzz run loads it, even the file system can take longer): an answer the
  // contract names, checked for its shape below, not a fault.
  const notReady = status === 503 && (body as { code?: unknown } | undefined)?.code === 'NOT_READY';
  if (status >= 500 && !notReady) return `server error ${status}: ${JSON.stringify(body)?.slice(0, 300)}`;
  if (status < 400) return undefined;
  if (!body || typeof body !== 'object') return `${status} without a JSON error body: ${String(body).slice(0, 200)}`;
  const b = body as Record<string, unknown>;
  if (b.statusCode !== status) return `statusCode ${String(b.statusCode)} in a ${status} answer`;
  if (typeof b.error !== 'string' || b.error.length === 0) return 'error body without `error`';
  if (typeof b.code !== 'string' || !UPPER_SNAKE.test(b.code)) return `code ${String(b.code)} is not UPPER_SNAKE`;
  if (typeof b.message !== 'string') return 'error body without `message`';
  if (b.code === 'VALIDATION_FAILED' && !Array.isArray(b.details)) return 'VALIDATION_FAILED without `details`';
  return undefined;
}
