/**
 * Edits no server version holds yet, kept in this browser's IndexedDB so that a reload, a lock or
 * a crash does not lose them. Only ciphertext is stored (Vault.sealDraft, crypto.md §6.3: the key
 * comes from the password, so a draft opens again only once the password unlocks the account);
 * the record's key is the account id and the map id, both random and already the server's.
 */
const DB_NAME = 'mindvault-drafts';
const STORE = 'drafts';

export interface StoredDraft {
  sealed: Uint8Array;
  /** ms since the epoch, when it was kept. */
  savedAt: number;
}

export class IndexedDbDraftStore {
  private opening: Promise<IDBDatabase> | undefined;

  async put(userId: string, mapId: string, sealed: Uint8Array): Promise<void> {
    await this.request('readwrite', (store) => store.put({ sealed, savedAt: Date.now() } satisfies StoredDraft, key(userId, mapId)));
  }

  async get(userId: string, mapId: string): Promise<StoredDraft | undefined> {
    return (await this.request('readonly', (store) => store.get(key(userId, mapId)))) as StoredDraft | undefined;
  }

  async delete(userId: string, mapId: string): Promise<void> {
    await this.request('readwrite', (store) => store.delete(key(userId, mapId)));
  }

  /** Every draft of one account (logging out forgets them). */
  async deleteAccount(userId: string): Promise<void> {
    await this.request('readwrite', (store) => store.delete(IDBKeyRange.bound(`${userId}/`, `${userId}/\uffff`)));
  }

  private open(): Promise<IDBDatabase> {
    this.opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB did not open'));
    }).catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  private async request(mode: IDBTransactionMode, make: (store: IDBObjectStore) => IDBRequest): Promise<unknown> {
    const db = await this.open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = make(tx.objectStore(STORE));
      // Resolved once the transaction is durable, not when the request alone succeeded.
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  }
}

function key(userId: string, mapId: string): string {
  return `${userId}/${mapId}`;
}
