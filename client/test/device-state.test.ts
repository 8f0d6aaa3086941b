import { describe, expect, it } from 'vitest';
import { DeviceState, MemoryDeviceStateStore, RollbackError } from '../src/index.js';

const userId = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const mapId = 'c0ffee00-1234-4abc-8def-0123456789ab';

async function rollback(promise: Promise<unknown> | (() => void)): Promise<RollbackError> {
  const error = await (typeof promise === 'function' ? Promise.resolve().then(promise) : promise).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RollbackError);
  return error as RollbackError;
}

describe('device state', () => {
  it('remembers the highest keyVersion across loads and refuses an older bundle', async () => {
    const store = new MemoryDeviceStateStore();
    const state = await DeviceState.load(store, 'Ada@Example.com');
    expect(state.knowsAccount).toBe(false);
    await state.observeKeyVersion(userId, 3);
    const again = await DeviceState.load(store, ' ada@example.com ');
    expect(again.knowsAccount).toBe(true);
    await again.observeKeyVersion(userId, 3);
    const error = await rollback(again.observeKeyVersion(userId, 2));
    expect(error).toMatchObject({ item: 'key-bundle', seen: 3, served: 2 });
  });

  it('refuses an older head, envelope epoch or title revision; history is not compared', async () => {
    const state = await DeviceState.load(new MemoryDeviceStateStore(), 'a@b.c');
    await state.observeKeyVersion(userId, 1);
    await state.observeHead(mapId, 5, 'v5');
    await state.observeEpoch(mapId, 2);
    await state.observeTitle(mapId, 4);
    expect(state.map(mapId)).toEqual({ headSeq: 5, headVersionId: 'v5', epoch: 2, titleRevision: 4 });

    expect(await rollback(() => state.checkHead(mapId, 4))).toMatchObject({ item: 'head', mapId, seen: 5, served: 4 });
    expect(await rollback(() => state.checkEmpty(mapId))).toMatchObject({ item: 'head', served: 0 });
    expect(await rollback(state.observeEpoch(mapId, 1))).toMatchObject({ item: 'envelope' });
    expect(await rollback(state.observeTitle(mapId, 3))).toMatchObject({ item: 'title' });

    await state.observeHead(mapId, 6, 'v6');
    expect(state.map(mapId).headSeq).toBe(6);
    await state.forgetMap(mapId);
    expect(state.map(mapId).headSeq).toBe(0);
  });

  it('keeps accounts apart: another user under the same email starts afresh', async () => {
    const store = new MemoryDeviceStateStore();
    const state = await DeviceState.load(store, 'a@b.c');
    await state.observeKeyVersion(userId, 7);
    await state.observeKeyVersion('9b2c1f4e-7d3a-4c5b-8e6f-1a2b3c4d5e6f', 1);
    expect((await store.load('a@b.c'))?.keyVersion).toBe(1);
  });
});
