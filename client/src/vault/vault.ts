/**
 * The flows of an unlocked account, on top of the crypto core and the HTTP client. A Vault holds
 * the account's private keys (and the key that seals them) in memory only; the server sees
 * ciphertext, wrapped keys and the authKey, never a password, a title or a document.
 */
import { ApiError } from '../api/api-error.js';
import type { ProgressCallback } from '../api/http-client.js';
import type { MindvaultApi } from '../api/mindvault-api.js';
import type { MindMapDetail, MindMapSummary, SavedVersion } from '../api/schema.js';
import type { Envelope } from '../contract.js';
import { changePassword, createAccount, deriveLoginKeys, type NewKdfOptions } from '../crypto/account.js';
import { wipe } from '../crypto/bytes.js';
import { decryptDocument, decryptTitle, encryptDocument, encryptTitle } from '../crypto/content-cipher.js';
import { DecryptionError } from '../crypto/errors.js';
import { generateDek, publicKeysOf, unwrapDek, wrapDek } from '../crypto/hybrid-kem.js';
import { type AccountKeyPairs, unlockKeyBundle } from '../crypto/key-bundle.js';
import { rotateAccountKeys } from '../crypto/key-rotation.js';
import { buildShareUrl, createLinkShare } from '../crypto/share-link.js';
import type { MindMapDocument } from '../model/mind-map-document.js';
import { WrongPasswordError } from './errors.js';

export interface Credentials {
  email: string;
  password: string;
}

/**
 * `kdfCost` sets the Argon2id cost of new parameters (register, password change); `policy` bounds
 * the parameters this client accepts from the server. Defaults are the production ones.
 */
export type VaultOptions = NewKdfOptions;

/** A map's metadata with its title decrypted. */
export interface MapInfo {
  id: string;
  title: string;
  headVersionId: string | null;
  /** Bytes of the head version. */
  sizeBytes: number;
  versionCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface PulledMap {
  mapId: string;
  title: string;
  versionId: string;
  document: MindMapDocument;
}

export interface HistoryEntry {
  versionId: string;
  sizeBytes: number;
  savedAt: string;
  isHead: boolean;
}

export interface CreatedShare {
  /** `<linkBaseUrl>/s/<token>#<link key>`: the key is in the fragment, which is never sent. */
  url: string;
  shareId: string;
  token: string;
}

export interface ShareOptions {
  /** Origin (and path) that serves `/s/<token>` pages; defaults to the API's base URL. */
  linkBaseUrl?: string;
  /** ISO-8601; the link stops working then. */
  expiresAt?: string;
  /** Pin the link to this version instead of the head. */
  versionId?: string;
}

/** How many times a rotation is retried when a map was created while it ran. */
const ROTATION_ATTEMPTS = 3;
/** How many maps' version lists a rotation fetches at once. */
const ROTATION_FETCHES = 8;

export class Vault {
  private constructor(
    readonly api: MindvaultApi,
    readonly email: string,
    private keyPairs: AccountKeyPairs,
    /** The account's key version `keyPairs` belong to; sent with every write of key material. */
    private keyVersion: number,
    private keyEncryptionKey: Uint8Array,
    /** The current authKey (base64): the server wants it, beside the session, to rotate keys. */
    private authKey: string,
    private readonly options: VaultOptions,
  ) {}

  /** New KDF parameters and key pairs, sealed under the password; the server gets the authKey. */
  static async register(api: MindvaultApi, { email, password }: Credentials, options: VaultOptions = {}): Promise<Vault> {
    const account = await createAccount(password, options);
    await api.auth.register({ email, authKey: account.authKey, kdf: account.kdf, keys: account.keys });
    return new Vault(api, email, account.keyPairs, 1, account.keyEncryptionKey, account.authKey, options);
  }

  /** A fresh device: prelogin → Argon2id → login → fetch the key bundle → open it. */
  static async login(api: MindvaultApi, { email, password }: Credentials, options: VaultOptions = {}): Promise<Vault> {
    const kdf = await api.auth.prelogin(email);
    const { authKey, keyEncryptionKey } = await deriveLoginKeys(password, kdf, options);
    await api.auth.login({ email, authKey });
    return Vault.open(api, email, keyEncryptionKey, authKey, options);
  }

  /**
   * A device that still holds a session (tokens) but no keys, e.g. the CLI between commands:
   * re-derives the key-encryption key from the password without logging in again.
   */
  static async unlock(api: MindvaultApi, { email, password }: Credentials, options: VaultOptions = {}): Promise<Vault> {
    const kdf = await api.auth.prelogin(email);
    const { authKey, keyEncryptionKey } = await deriveLoginKeys(password, kdf, options);
    return Vault.open(api, email, keyEncryptionKey, authKey, options);
  }

  private static async open(api: MindvaultApi, email: string, keyEncryptionKey: Uint8Array, authKey: string, options: VaultOptions): Promise<Vault> {
    const bundle = await api.auth.keys();
    try {
      return new Vault(api, email, await unlockKeyBundle(bundle, keyEncryptionKey), bundle.keyVersion, keyEncryptionKey, authKey, options);
    } catch (error) {
      if (error instanceof DecryptionError && error.reason === 'authentication-failed') throw new WrongPasswordError({ cause: error });
      throw error;
    }
  }

  async listMaps(): Promise<MapInfo[]> {
    const maps = await this.api.mindmaps.listAll();
    return Promise.all(maps.map((map) => this.describe(map)));
  }

  async getMap(mapId: string): Promise<MapInfo> {
    return this.describe(await this.api.mindmaps.get(mapId));
  }

  /** A fresh data key, wrapped for this account; the title is encrypted under it. */
  async createMap(input: { title: string; maxVersions?: number }): Promise<MapInfo> {
    const dek = generateDek();
    try {
      const detail = await this.withCurrentKeys(async () =>
        this.api.mindmaps.create({
          encryptedTitle: await encryptTitle(input.title, dek),
          envelope: await wrapDek(dek, publicKeysOf(this.keyPairs)),
          keyVersion: this.keyVersion,
          ...(input.maxVersions !== undefined ? { maxVersions: input.maxVersions } : {}),
        }),
      );
      return { ...summary(detail), title: input.title };
    } finally {
      wipe(dek);
    }
  }

  /** Encrypts the document under the map's data key and uploads it as the new head. */
  async push(mapId: string, document: MindMapDocument, options: { ifMatch?: string; onProgress?: ProgressCallback } = {}): Promise<SavedVersion> {
    const detail = await this.api.mindmaps.get(mapId);
    const dek = await this.dekOf(detail.envelope, `map ${mapId}`);
    let blob: Uint8Array;
    try {
      blob = await encryptDocument(document, dek);
    } finally {
      wipe(dek);
    }
    return this.api.mindmaps.upload(mapId, blob, options);
  }

  /**
   * Downloads a version (the head by default) and decrypts it with the envelope recorded for that
   * version. After a key rotation old versions keep envelopes for the retired key pair, so the
   * map's current envelope is tried next: rotation re-wraps the same data key.
   */
  async pull(mapId: string, options: { versionId?: string; onProgress?: ProgressCallback } = {}): Promise<PulledMap> {
    const detail = await this.api.mindmaps.get(mapId);
    const download = await this.api.mindmaps.download(mapId, options);
    const versions = await this.api.mindmaps.versions(mapId);
    const recorded = versions.find((v) => v.versionId === download.versionId)?.envelope;
    const candidates = recorded !== undefined && !sameEnvelope(recorded, detail.envelope) ? [recorded, detail.envelope] : [detail.envelope];
    let failure: unknown;
    for (const envelope of candidates) {
      let dek: Uint8Array;
      try {
        dek = await unwrapDek(envelope, this.keyPairs);
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
        failure = error;
        continue;
      }
      try {
        const document = await decryptDocument(download.bytes, dek);
        const title = await this.titleOf(detail);
        return { mapId, title, versionId: download.versionId, document };
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
        failure = error;
      } finally {
        wipe(dek);
      }
    }
    throw failure;
  }

  async history(mapId: string): Promise<HistoryEntry[]> {
    const [detail, versions] = await Promise.all([this.api.mindmaps.get(mapId), this.api.mindmaps.versions(mapId)]);
    return versions.map((v) => ({ versionId: v.versionId, sizeBytes: v.sizeBytes, savedAt: v.savedAt, isHead: v.versionId === detail.headVersionId }));
  }

  /** The server copies the old bytes and envelope into a new head: nothing to re-encrypt. */
  restore(mapId: string, versionId: string): Promise<SavedVersion> {
    return this.api.mindmaps.restore(mapId, versionId);
  }

  async rename(mapId: string, title: string): Promise<MapInfo> {
    const detail = await this.api.mindmaps.get(mapId);
    const dek = await this.dekOf(detail.envelope, `map ${mapId}`);
    try {
      const updated = await this.api.mindmaps.update(mapId, { encryptedTitle: await encryptTitle(title, dek) });
      return { ...summary(updated), title };
    } finally {
      wipe(dek);
    }
  }

  deleteMap(mapId: string): Promise<void> {
    return this.api.mindmaps.delete(mapId);
  }

  /**
   * A link share: the map's data key wrapped under a fresh random link key, which goes only into
   * the URL fragment. Anyone holding the URL can read the map (or the pinned version).
   */
  share(mapId: string, options: ShareOptions = {}): Promise<CreatedShare> {
    return this.withCurrentKeys(() => this.shareOnce(mapId, options));
  }

  private async shareOnce(mapId: string, options: ShareOptions): Promise<CreatedShare> {
    const detail = await this.api.mindmaps.get(mapId);
    const dek = await this.dekOf(detail.envelope, `map ${mapId}`);
    let linkKey: Uint8Array;
    let envelope: Envelope;
    try {
      ({ linkKey, envelope } = await createLinkShare(dek));
    } finally {
      wipe(dek);
    }
    try {
      const created = await this.api.shares.create(mapId, {
        envelope,
        keyVersion: this.keyVersion,
        ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
        ...(options.versionId !== undefined ? { versionId: options.versionId } : {}),
      });
      const url = buildShareUrl(options.linkBaseUrl ?? this.api.http.baseUrl, created.token, linkKey);
      return { url, shareId: created.shareId, token: created.token };
    } finally {
      wipe(linkKey);
    }
  }

  /**
   * New key pairs; every owned map's data key, and every distinct key recorded for its versions,
   * re-wrapped for them in one request, so the new keys alone open every version. A map or
   * version saved meanwhile makes the server refuse (ROTATION_INCOMPLETE): the lists are fetched
   * again and the rotation retried. Data keys do not change, so blobs, titles and share links stay valid.
   */
  async rotateKeys(): Promise<{ keyVersion: number; maps: number }> {
    for (let attempt = 1; ; attempt++) {
      await this.adoptCurrentKeys();
      const maps = await this.api.mindmaps.listAll();
      const versions = await mapLimit(maps, ROTATION_FETCHES, (m) => this.api.mindmaps.versions(m.id));
      const rotation = await rotateAccountKeys({
        currentKeyPairs: this.keyPairs,
        currentKeyVersion: this.keyVersion,
        keyEncryptionKey: this.keyEncryptionKey,
        currentAuthKey: this.authKey,
        maps: maps.map((m, i) => ({ id: m.id, envelope: m.envelope, versionEnvelopes: versions[i]!.map((v) => v.envelope) })),
      });
      try {
        const saved = await this.api.auth.rotateKeys(rotation.request);
        this.keyPairs = rotation.keyPairs;
        this.keyVersion = saved.keyVersion;
        return { keyVersion: saved.keyVersion, maps: maps.length };
      } catch (error) {
        const retry = error instanceof ApiError && (error.code === 'ROTATION_INCOMPLETE' || error.code === 'KEY_VERSION_CONFLICT');
        if (!retry || attempt >= ROTATION_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Re-seals the same private keys under a key derived from the new password (fresh salt). The
   * server checks the current authKey, signs out every other session and answers with a new
   * token pair for this one, which the HTTP client adopts.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const currentKdf = await this.api.auth.prelogin(this.email);
    const bundle = await this.api.auth.keys();
    let change;
    try {
      change = await changePassword({ currentPassword, currentKdf, bundle, newPassword }, this.options);
    } catch (error) {
      if (error instanceof DecryptionError && error.reason === 'authentication-failed') throw new WrongPasswordError({ cause: error });
      throw error;
    }
    await this.api.auth.changePassword(change.request);
    this.lock();
    this.keyEncryptionKey = change.keyEncryptionKey;
    this.keyPairs = change.keyPairs;
    this.keyVersion = bundle.keyVersion;
    this.authKey = change.request.newAuthKey;
  }

  /** Revokes the session on the server and forgets the keys here. */
  async logout(): Promise<void> {
    try {
      await this.api.auth.logout();
    } finally {
      this.lock();
    }
  }

  /** Wipes the key material this vault holds; it is unusable afterwards. */
  lock(): void {
    wipe(this.keyEncryptionKey, this.keyPairs.classical.secretKey, this.keyPairs.pq.seed, this.keyPairs.pq.secretKey);
  }

  /** The server's key bundle, adopted when another device rotated since this vault was opened. */
  private async adoptCurrentKeys(): Promise<void> {
    const bundle = await this.api.auth.keys();
    if (bundle.keyVersion !== this.keyVersion || bundle.classicalPublicKey !== publicKeysOf(this.keyPairs).classicalPublicKey) {
      this.keyPairs = await unlockKeyBundle(bundle, this.keyEncryptionKey);
      this.keyVersion = bundle.keyVersion;
    }
  }

  /**
   * A write of key material carries this vault's keyVersion; when another device rotated
   * meanwhile the server refuses it (KEY_VERSION_CONFLICT), so the current keys are adopted and
   * the write, which must derive everything from them again, is made once more.
   */
  private async withCurrentKeys<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'KEY_VERSION_CONFLICT')) throw error;
      await this.adoptCurrentKeys();
      return write();
    }
  }

  private async describe(map: MindMapSummary): Promise<MapInfo> {
    return { ...summary(map), title: await this.titleOf(map) };
  }

  private async titleOf(map: { id: string; encryptedTitle: string; envelope: Envelope }): Promise<string> {
    const dek = await this.dekOf(map.envelope, `map ${map.id}`);
    try {
      return await decryptTitle(map.encryptedTitle, dek);
    } finally {
      wipe(dek);
    }
  }

  private async dekOf(envelope: Envelope, what: string): Promise<Uint8Array> {
    try {
      return await unwrapDek(envelope, this.keyPairs);
    } catch (error) {
      if (error instanceof DecryptionError) throw new DecryptionError(error.reason, `${what}: ${error.message}`, { cause: error });
      throw error;
    }
  }
}

function summary(map: MindMapSummary | MindMapDetail): Omit<MapInfo, 'title'> {
  const { id, headVersionId, sizeBytes, versionCount, createdAt, updatedAt } = map;
  return { id, headVersionId, sizeBytes, versionCount, createdAt, updatedAt };
}

function sameEnvelope(a: Envelope, b: Envelope): boolean {
  return a.wrappedDek === b.wrappedDek && a.ephClassicalPublic === b.ephClassicalPublic;
}

/** `fn` over `items`, at most `limit` at a time, answers in order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
