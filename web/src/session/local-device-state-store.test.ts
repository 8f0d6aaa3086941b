import type { AccountState } from '@mindvault/client';
import { describe, expect, it } from 'vitest';
import { deviceStateKey, type KeyValueStorage, LocalDeviceStateStore } from './local-device-state-store';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const state = (keyVersion: number, maps: AccountState['maps']): AccountState => ({ userId: 'u1', keyVersion, maps });
const map = (headSeq: number, epoch = 1, titleRevision = 1) => ({ headSeq, headVersionId: `v${headSeq}`, epoch, titleRevision });

describe('LocalDeviceStateStore', () => {
  it('gives back what was saved, per email', async () => {
    const store = new LocalDeviceStateStore(memoryStorage());
    await store.save('a@example.com', state(2, { m1: map(3) }));
    expect(await store.load('a@example.com')).toEqual(state(2, { m1: map(3) }));
    expect(await store.load('b@example.com')).toBeUndefined();
  });

  it('never lowers a value another tab recorded (saves merge, keeping the highest)', async () => {
    const storage = memoryStorage();
    const tabA = new LocalDeviceStateStore(storage);
    const tabB = new LocalDeviceStateStore(storage);
    await tabA.save('a@example.com', state(3, { m1: map(7, 2, 4), m2: map(1) }));
    // tab B unlocked earlier and still holds older numbers, and saw a new map
    await tabB.save('a@example.com', state(2, { m1: map(5, 3, 1), m3: map(2) }));
    expect(await tabA.load('a@example.com')).toEqual(state(3, { m1: { ...map(7, 3, 4) }, m2: map(1), m3: map(2) }));
  });

  it('starts over for a different account under the same email', async () => {
    const store = new LocalDeviceStateStore(memoryStorage());
    await store.save('a@example.com', state(9, { m1: map(9) }));
    await store.save('a@example.com', { userId: 'u2', keyVersion: 1, maps: {} });
    expect(await store.load('a@example.com')).toEqual({ userId: 'u2', keyVersion: 1, maps: {} });
  });

  it('treats an unreadable entry as no state', async () => {
    const storage = memoryStorage();
    storage.setItem(await deviceStateKey('a@example.com'), '{not json');
    expect(await new LocalDeviceStateStore(storage).load('a@example.com')).toBeUndefined();
  });

  it('names its entry by a hash, never the email, and forgets it on log out', async () => {
    const storage = memoryStorage();
    const store = new LocalDeviceStateStore(storage);
    await store.save('a@example.com', state(2, {}));
    expect([...storage.data.keys()]).toEqual([expect.stringMatching(/^mindvault\.device-state:[0-9a-f]{64}$/)]);
    expect([...storage.data.keys()].join()).not.toContain('example.com');
    await store.forget('a@example.com');
    expect(storage.data.size).toBe(0);
  });

  it('moves an entry an older version stored under the plain email', async () => {
    const storage = memoryStorage();
    storage.setItem('mindvault.device-state:a@example.com', JSON.stringify(state(4, { m1: map(2) })));
    const store = new LocalDeviceStateStore(storage);
    expect(await store.load('a@example.com')).toEqual(state(4, { m1: map(2) }));
    expect([...storage.data.keys()]).toEqual([await deviceStateKey('a@example.com')]);
  });
});
