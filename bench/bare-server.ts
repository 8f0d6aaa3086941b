import 'reflect-metadata';
import { createSecretKey } from 'node:crypto';
import Fastify from 'fastify';
import { JwtService } from '@nestjs/jwt';
import { Pool } from 'pg';
import type { MindMapRow } from '../src/mindmaps/adapters/mind-map.mapper';
import { FIND_OWNED_MAP_SQL } from '../src/mindmaps/adapters/typeorm-mind-map.repository';

/**
 * The baseline for benchmark 1: a bare Fastify route that does what GET /api/mindmaps/:id costs at
 * its core, and nothing else: the same HS256 verify (same library, same key object, same options),
 * the same two SQL statements (the guard's user lookup, then the app's own FIND_OWNED_MAP_SQL) on a
 * pool of the same size, and the same JSON answer.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;


async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20, connectionTimeoutMillis: 5000 });
  const jwt = new JwtService({ secret: createSecretKey(Buffer.from(process.env.JWT_SECRET ?? '', 'utf8')), verifyOptions: { algorithms: ['HS256'] } });
  const app = Fastify({ logger: false });

  app.get<{ Params: { id: string } }>('/api/mindmaps/:id', async (request, reply) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.authorization ?? '');
    let claims: { sub?: string; ver?: number } | undefined;
    try {
      claims = match ? await jwt.verifyAsync<{ sub: string; ver: number }>(match[1], { algorithms: ['HS256'] }) : undefined;
    } catch {
      claims = undefined;
    }
    const sub = claims?.sub;
    if (!sub || !UUID.test(sub)) return reply.status(401).send({ statusCode: 401, code: 'UNAUTHENTICATED' });
    const user = await pool.query('SELECT role, disabled, token_version FROM users WHERE id = $1', [sub]);
    if (user.rowCount === 0 || user.rows[0].disabled || user.rows[0].token_version !== claims?.ver) return reply.status(401).send({ statusCode: 401, code: 'UNAUTHENTICATED' });
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

  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  const stop = () => void app.close().then(() => pool.end()).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
