import 'reflect-metadata';
import { createSecretKey, randomUUID } from 'node:crypto';
import Fastify, { FastifyRequest } from 'fastify';
import { Client as MinioClient } from 'minio';
import { JwtService } from '@nestjs/jwt';
import { Pool } from 'pg';
import type { MindMapRow } from '../src/mindmaps/adapters/mind-map.mapper';
import { FIND_OWNED_MAP_SQL } from '../src/mindmaps/adapters/typeorm-mind-map.repository';

/**
 * The baseline for benchmark 1: a bare Fastify route that does what GET /api/mindmaps/:id costs at
 * its core, and nothing else: the same HS256 verify (same library, same key object, same options),
 * the same two SQL statements (the guard's user lookup, then the app's own FIND_OWNED_MAP_SQL) on a
 * pool of the same size, and the same JSON answer. And the baseline of the small-upload figure: a
 * PUT that authenticates the same way, reads the map, streams the body to the same S3 bucket with
 * the same client library, then runs the upload's transaction (head move, usage charge, version
 * row) with pg alone: no Nest, no TypeORM, no quota reservation, no tier lookup.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;


async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20, connectionTimeoutMillis: 5000 });
  const jwt = new JwtService({ secret: createSecretKey(Buffer.from(process.env.JWT_SECRET ?? '', 'utf8')), verifyOptions: { algorithms: ['HS256'] } });
  const app = Fastify({ logger: false });
  const s3url = new URL(process.env.S3_ENDPOINT ?? 'http://127.0.0.1:1');
  const s3 = new MinioClient({
    endPoint: s3url.hostname,
    port: Number(s3url.port),
    useSSL: false,
    accessKey: process.env.S3_ACCESS_KEY ?? '',
    secretKey: process.env.S3_SECRET_KEY ?? '',
    region: 'us-east-1',
  });
  const bucket = process.env.S3_BUCKET ?? '';
  app.addContentTypeParser('application/octet-stream', (_request, _payload, done) => done(null, undefined));

  /** The caller, as the app's guard decides it: the user id, or undefined for a 401. */
  const authenticate = async (request: FastifyRequest): Promise<string | undefined> => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.authorization ?? '');
    let claims: { sub?: string; ver?: number } | undefined;
    try {
      claims = match ? await jwt.verifyAsync<{ sub: string; ver: number }>(match[1], { algorithms: ['HS256'] }) : undefined;
    } catch {
      claims = undefined;
    }
    const sub = claims?.sub;
    if (!sub || !UUID.test(sub)) return undefined;
    const user = await pool.query('SELECT role, disabled, token_version FROM users WHERE id = $1', [sub]);
    if (user.rowCount === 0 || user.rows[0].disabled || user.rows[0].token_version !== claims?.ver) return undefined;
    return sub;
  };

  app.put<{ Params: { id: string } }>('/api/mindmaps/:id/blob', async (request, reply) => {
    const sub = await authenticate(request);
    if (!sub) return reply.status(401).send({ statusCode: 401, code: 'UNAUTHENTICATED' });
    const size = Number(request.headers['content-length']);
    if (!UUID.test(request.params.id)) return reply.status(400).send({ statusCode: 400, code: 'VALIDATION_FAILED' });
    const { rows } = await pool.query<MindMapRow>(FIND_OWNED_MAP_SQL, [request.params.id, sub]);
    if (!rows[0]) return reply.status(404).send({ statusCode: 404, code: 'MAP_NOT_FOUND' });
    const versionId = randomUUID();
    const objectKey = `users/${sub}/maps/${request.params.id}/${versionId}`;
    await s3.putObject(bucket, objectKey, request.raw, size);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const moved = await client.query(
        `UPDATE mind_maps SET head_version_id = $3, size_bytes = $4, version_count = version_count + 1, updated_at = now()
         WHERE id = $1 AND owner_id = $2 RETURNING env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek`,
        [request.params.id, sub, versionId, size],
      );
      await client.query(
        `INSERT INTO user_usage (user_id, usage_bytes) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET usage_bytes = user_usage.usage_bytes + EXCLUDED.usage_bytes`,
        [sub, size],
      );
      const e = moved.rows[0];
      await client.query(
        `INSERT INTO map_versions (id, map_id, owner_id, object_key, size_bytes, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek, saved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
        [versionId, request.params.id, sub, objectKey, size, e.env_eph_classical_public, e.env_eph_pq_ciphertext, e.env_wrapped_dek],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    return reply.status(201).send({ versionId, sizeBytes: size, savedAt: new Date().toISOString() });
  });

  app.get<{ Params: { id: string } }>('/api/mindmaps/:id', async (request, reply) => {
    const sub = await authenticate(request);
    if (!sub) return reply.status(401).send({ statusCode: 401, code: 'UNAUTHENTICATED' });
    if (!UUID.test(request.params.id)) return reply.status(400).send({ statusCode: 400, code: 'VALIDATION_FAILED' });
    const { rows } = await pool.query<MindMapRow>(FIND_OWNED_MAP_SQL, [request.params.id, sub]);
    const m = rows[0];
    if (!m) return reply.status(404).send({ statusCode: 404, code: 'MAP_NOT_FOUND' });
    return {
      id: m.id,
      encryptedTitle: m.encrypted_title.toString('base64'),
      envelope: {
        ephClassicalPublic: m.env_eph_classical_public.toString('base64'),
        ephPqCiphertext: m.env_eph_pq_ciphertext.toString('base64'),
        wrappedDek: m.env_wrapped_dek.toString('base64'),
      },
      headVersionId: m.head_version_id,
      sizeBytes: Number(m.size_bytes),
      versionCount: m.version_count,
      createdAt: m.created_at.toISOString(),
      updatedAt: m.updated_at.toISOString(),
      maxVersions: m.max_versions,
    };
  });

  // Only for the bench to know the server listens; never measured.
  app.get('/health', async () => ({ status: 'ok' }));

  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  const stop = () => void app.close().then(() => pool.end()).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
