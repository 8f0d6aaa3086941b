import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresVersionRecorder } from '../../../src/mindmaps/adapters/postgres-version-recorder';
import { TypeOrmMindMapRepository } from '../../../src/mindmaps/adapters/typeorm-mind-map.repository';
import { MindMapRepository } from '../../../src/mindmaps/ports/mind-map.repository';
import { VersionRecord, VersionRecorder } from '../../../src/mindmaps/ports/version-recorder';
import { TypeOrmUsageLedger } from '../../../src/storage/adapters/typeorm-usage-ledger';
import { UsageLedger } from '../../../src/storage/ports/usage-ledger';
import { holdOpen, repositoryHarness, RepositoryHarness } from './repository-harness';

/**
 * A save's commit in one go: what MindMapRepository.moveHead, UsageLedger.settle and
 * MapVersionRepository.insert did in one transaction, with the same rules, all or nothing.
 */
describe('VersionRecorder contract: one statement on PostgreSQL', () => {
  let h: RepositoryHarness;
  let recorder: VersionRecorder;
  let usage: UsageLedger;
  let maps: MindMapRepository;
  const limit = { limitBytes: 10_000, maxInFlight: 4, ttlS: 60 };

  beforeAll(async () => {
    h = await repositoryHarness([
      { provide: VersionRecorder, useClass: PostgresVersionRecorder },
      { provide: UsageLedger, useClass: TypeOrmUsageLedger },
      { provide: MindMapRepository, useClass: TypeOrmMindMapRepository },
    ]);
    recorder = h.app.get(VersionRecorder);
    usage = h.app.get(UsageLedger);
    maps = h.app.get(MindMapRepository);
  });
  afterAll(() => h?.close());

  /** A user with a map and a reservation of `charge` bytes, and the record of a save under it. */
  async function saving(charge = 300, fields: Partial<VersionRecord> = {}) {
    const owner = await h.newUser();
    const mapId = await h.newMap(owner);
    const reservation = await usage.reserve(owner, charge, limit);
    if (!reservation.ok) throw new Error('reservation refused');
    const versionId = randomUUID();
    const record: VersionRecord = {
      versionId,
      mapId,
      ownerId: owner,
      objectKey: `users/${owner}/maps/${mapId}/${versionId}`,
      sizeBytes: 250,
      savedAt: new Date('2026-12-01T10:00:00.123Z'),
      reservationId: reservation.id,
      charge,
      limitBytes: limit.limitBytes,
      ...fields,
    };
    return { owner, mapId, record };
  }

  async function state(owner: string, mapId: string) {
    const map = await maps.findOwned(mapId, owner);
    const counter = await h.db.pool.query<{ usage_bytes: string; reserved_bytes: string; uploads_in_flight: number }>(
      'SELECT usage_bytes, reserved_bytes, uploads_in_flight FROM user_usage WHERE user_id = $1',
      [owner],
    );
    const versions = await h.db.pool.query<{ id: string; saved_at: Date; size_bytes: string; env_wrapped_dek: Buffer }>(
      'SELECT id, saved_at, size_bytes, env_wrapped_dek FROM map_versions WHERE map_id = $1 ORDER BY seq',
      [mapId],
    );
    const reservations = await h.db.pool.query('SELECT 1 FROM upload_reservations WHERE user_id = $1', [owner]);
    const c = counter.rows[0];
    return {
      head: map?.headVersionId ?? null,
      versionCount: map?.versionCount,
      sizeBytes: map?.sizeBytes,
      usage: Number(c?.usage_bytes ?? 0),
      reserved: Number(c?.reserved_bytes ?? 0),
      inFlight: c?.uploads_in_flight ?? 0,
      reservations: reservations.rowCount,
      versions: versions.rows,
    };
  }

  it('moves the head, settles the reservation into stored usage and inserts the version with the map\'s envelope', async () => {
    const { owner, mapId, record } = await saving();
    const envelope = (await maps.findOwned(mapId, owner))!.envelope;
    expect(await recorder.record(record)).toEqual({ outcome: 'recorded', overLimit: false, envelope });
    const after = await state(owner, mapId);
    expect(after).toMatchObject({ head: record.versionId, versionCount: 1, sizeBytes: 250, usage: 300, reserved: 0, inFlight: 0, reservations: 0 });
    expect(after.versions).toEqual([{ id: record.versionId, saved_at: record.savedAt, size_bytes: '250', env_wrapped_dek: envelope.wrappedDek }]);
  });

  it('says when the map is over its maxVersions', async () => {
    const { owner, mapId, record } = await saving();
    await h.db.pool.query('UPDATE mind_maps SET max_versions = 1, version_count = 1 WHERE id = $1', [mapId]);
    expect(await recorder.record(record)).toMatchObject({ outcome: 'recorded', overLimit: true });
    expect((await state(owner, mapId)).versionCount).toBe(2);
  });

  it('refuses, writing nothing, a map of another owner or none', async () => {
    const { owner, mapId, record } = await saving();
    const stranger = await h.newUser();
    expect(await recorder.record({ ...record, ownerId: stranger })).toEqual({ outcome: 'missing' });
    expect(await recorder.record({ ...record, mapId: randomUUID() })).toEqual({ outcome: 'missing' });
    expect(await state(owner, mapId)).toMatchObject({ head: null, usage: 0, reserved: 300, inFlight: 1, reservations: 1, versions: [] });
  });

  it('checks If-Match under the lock: conflict answers the head in force; null means "no head yet"', async () => {
    const { owner, mapId, record } = await saving();
    expect(await recorder.record({ ...record, expectedHead: randomUUID() })).toEqual({ outcome: 'conflict', head: null });
    expect(await state(owner, mapId)).toMatchObject({ head: null, usage: 0, reserved: 300, versions: [] });
    expect(await recorder.record({ ...record, expectedHead: null })).toMatchObject({ outcome: 'recorded' });
    const second = await usage.reserve(owner, 100, limit);
    if (!second.ok) throw new Error('reservation refused');
    const next = { ...record, versionId: randomUUID(), objectKey: `${record.objectKey}-2`, reservationId: second.id, charge: 100 };
    expect(await recorder.record({ ...next, expectedHead: null })).toEqual({ outcome: 'conflict', head: record.versionId });
    expect(await recorder.record({ ...next, expectedHead: record.versionId })).toMatchObject({ outcome: 'recorded' });
    expect(await state(owner, mapId)).toMatchObject({ head: next.versionId, versionCount: 2, usage: 400, reserved: 0, inFlight: 0 });
  });

  it('checks If-Envelope-Match against the map\'s envelope under the lock', async () => {
    const { owner, mapId, record } = await saving();
    expect(await recorder.record({ ...record, envelopeWrappedDek: randomBytes(16) })).toEqual({ outcome: 'envelope-changed' });
    expect(await state(owner, mapId)).toMatchObject({ head: null, reserved: 300, versions: [] });
    const current = (await maps.findOwned(mapId, owner))!.envelope.wrappedDek;
    expect(await recorder.record({ ...record, envelopeWrappedDek: current })).toMatchObject({ outcome: 'recorded' });
  });

  it('refuses a charge past the limit (other reservations counting), writing nothing, with the usage as found', async () => {
    const { owner, mapId, record } = await saving(300);
    const other = await usage.reserve(owner, 9_000, limit);
    expect(other.ok).toBe(true);
    // The settlement gives this reservation's 300 back and charges 1,001: 9,000 + 1,001 > 10,000.
    expect(await recorder.record({ ...record, charge: 1_001 })).toEqual({ outcome: 'quota', usageBytes: 0 });
    expect(await state(owner, mapId)).toMatchObject({ head: null, usage: 0, reserved: 9_300, inFlight: 2, reservations: 2, versions: [] });
    expect(await recorder.record({ ...record, charge: 1_000 })).toMatchObject({ outcome: 'recorded' });
    expect(await state(owner, mapId)).toMatchObject({ usage: 1_000, reserved: 9_000, inFlight: 1 });
  });

  it('settles a save whose reservation expired and was dropped meanwhile, charging it against what is left', async () => {
    const { owner, mapId, record } = await saving(300);
    await h.db.pool.query("UPDATE upload_reservations SET expires_at = now() - interval '1 second' WHERE user_id = $1", [owner]);
    await usage.purgeExpiredReservations();
    expect(await recorder.record(record)).toMatchObject({ outcome: 'recorded' });
    expect(await state(owner, mapId)).toMatchObject({ head: record.versionId, usage: 300, reserved: 0, inFlight: 0, reservations: 0 });
  });

  it('gives a restore the old version\'s envelope, and refuses one whose version is gone', async () => {
    const { owner, mapId, record } = await saving();
    const old = await h.newVersion(mapId, 250);
    const oldDek = (await h.db.pool.query<{ env_wrapped_dek: Buffer }>('SELECT env_wrapped_dek FROM map_versions WHERE id = $1', [old])).rows[0].env_wrapped_dek;
    expect(await recorder.record({ ...record, restoreOf: randomUUID() })).toEqual({ outcome: 'version-missing' });
    expect(await state(owner, mapId)).toMatchObject({ head: null, reserved: 300 });
    const recorded = await recorder.record({ ...record, restoreOf: old });
    expect(recorded).toMatchObject({ outcome: 'recorded', envelope: { wrappedDek: oldDek } });
    expect((await state(owner, mapId)).versions.map((v) => v.env_wrapped_dek)).toEqual([oldDek, oldDek]);
  });

  it('waits for the map\'s row lock, and records the envelope in force once it has it', async () => {
    const { owner, mapId, record } = await saving();
    const rotated = randomBytes(32);
    const held = await holdOpen(h.uow, () => maps.lockOwned(mapId, owner), async () => {
      await h.db.pool.query('SELECT 1'); // another connection stays usable meanwhile
      return maps.update(mapId, { envelope: { ephClassicalPublic: rotated, ephPqCiphertext: rotated, wrappedDek: rotated } });
    });
    const recording = recorder.record(record);
    expect(await h.waitsForLock(recording)).toBe(true);
    held.release();
    await held.done;
    expect(await recording).toMatchObject({ outcome: 'recorded', envelope: { wrappedDek: rotated } });
  });
});
