/**
 * The flows of an unlocked account, on top of the crypto core and the HTTP client. A Vault holds
 * the account's private keys (and the key that seals them) in memory only; the server sees
 * ciphertext, wrapped keys and the authKey, never a password, a title or a document.
 *
 * The server is not trusted: every envelope, title, blob and key bundle is authenticated before
 * use (TamperingError otherwise, and nothing is encrypted under an unverified key), and what the
 * server presents as current is compared with what this device has seen (RollbackError). See
 * docs/crypto.md.
 */
import { ApiError } from '../api/api-error.js';
import type { ProgressCallback } from '../api/http-client.js';
import type { MindvaultApi } from '../api/mindvault-api.js';
import type { Download } from '../api/mindmaps-api.js';
import type { InlineContent, MindMapDetail, MindMapSummary, SavedVersion, VersionSnapshot } from '../api/schema.js';
import type { Envelope, KdfParams } from '../contract.js';
import { changePassword, createAccount, deriveLoginKeys, type LoginKeys, type NewKdfOptions } from '../crypto/account.js';
import { fromBase64, toBase64 } from '../crypto/base64.js';
import { wipe } from '../crypto/bytes.js';
import {
  decryptDocument,
  decryptTitle,
  deriveContentKey,
  deriveTitleKey,
  encryptDocument,
  encryptTitle,
  type OpenedTitle,
  readContentHeader,
} from '../crypto/content-cipher.js';
import { DecryptionError, InvalidInputError } from '../crypto/errors.js';
import { generateDek, publicKeysOf, unwrapOwnerDek, wrapOwnerDek } from '../crypto/hybrid-kem.js';
import { type AccountAddress, accountAddresses, type EmailForm, type KdfFormat, normalizeEmail } from '../crypto/kdf.js';
import { type AccountKeyPairs, type BundleFormat, unlockKeyBundle } from '../crypto/key-bundle.js';
import { rotateAccountKeys } from '../crypto/key-rotation.js';
import { createRecoveryKey, deriveRecoveryKeys, openRecoveryKeyMaterial, recoveryKeyFromWords, resealForRecovery } from '../crypto/recovery-key.js';
import { buildShareUrl, createLinkShare, type LinkShare } from '../crypto/share-link.js';
import { decryptVersionLabel, encryptVersionLabel } from '../crypto/version-label.js';
import { deriveDraftKey, openDraftBytes, sealDraftBytes } from '../crypto/draft-cipher.js';
import { mergeDocuments } from '../model/merge-documents.js';
import { type MindMapDocument, parseDocument } from '../model/mind-map-document.js';
import { accountArchive, type ArchiveOptions } from './account-archive.js';
import { accountBackup, type BackupProgress, type BackupSecret, restoreBackup } from './account-backup.js';
import { DeviceState, type DeviceStateStore, MemoryDeviceStateStore } from './device-state.js';
import { MergeConflictError, RollbackError, TamperingError, type TamperedItem, WrongPasswordError } from './errors.js';

export interface Credentials {
  email: string;
  password: string;
  /**
   * Asked for a code (six digits from the authenticator app, or a backup code) when the account
   * has a second factor, or, where the account has a passkey and the caller can use one (a
   * browser), for `{ passkey }`: the WebAuthn answer to `step.passkeyOptions()`. Called again after
   * a wrong answer, up to three times. Without it, such a login rejects with the server's
   * SECOND_FACTOR_REQUIRED.
   */
  secondFactor?: (step: SecondStep) => Promise<string | { passkey: Record<string, unknown> }>;
}

/** What the login's second step offers: the account's methods, and the passkey request when it has one. */
export interface SecondStep {
  /** 'totp', 'backup-code', 'passkey'. */
  methods: string[];
  /** WebAuthn PublicKeyCredentialRequestOptionsJSON for this login (asks the server each call). */
  passkeyOptions: () => Promise<Record<string, unknown>>;
}

/** Codes a login asks `secondFactor` for before it gives up with INVALID_SECOND_FACTOR. */
const SECOND_FACTOR_TRIES = 3;

export interface VaultOptions extends NewKdfOptions {
  /** Where this device remembers what it has seen (rollback detection); in memory by default. */
  state?: DeviceStateStore;
  /**
   * Open an account still in the v1 formats and upgrade it at once. Off by default: the v1 key
   * derivation takes the server's salt as is, so a client that fell back to it whenever a login
   * failed would let a malicious server get authKeys of many accounts under one salt. A device
   * that has opened the account in v2 never falls back, even with this set.
   */
  allowLegacyV1?: boolean;
}

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

/**
 * A map as listed when each map is checked on its own: `refusal` is why its key or title was not
 * accepted (nothing of it was decrypted, `title` is null), null for a sound map.
 */
export type CheckedMap = (MapInfo & { refusal: null }) | (Omit<MapInfo, 'title'> & { title: null; refusal: TamperingError | RollbackError });

export interface PulledMap {
  mapId: string;
  title: string;
  versionId: string;
  document: MindMapDocument;
  /** The version's authenticated save number (0 for a v1 blob). */
  seq: number;
}

/**
 * Edits of a map that no server version holds yet, kept on this device (sealed by sealDraft):
 * `mine` is the editor's tree, `base` the version it started from (what a merge needs, even
 * after that version was pruned from the server).
 */
export interface MapDraft {
  baseVersionId: string | null;
  base: MindMapDocument;
  mine: MindMapDocument;
  /** ISO-8601, when the draft was sealed. */
  savedAt: string;
}

export interface HistoryEntry {
  versionId: string;
  sizeBytes: number;
  savedAt: string;
  isHead: boolean;
  /** Pinned by its owner: never thinned. */
  pinned: boolean;
  /** Its name, decrypted here (crypto.md §7a); null when unnamed. */
  label: string | null;
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
  /** Pin the link to this version: it carries that version's key only. */
  versionId?: string;
}

/** How many times a rotation is retried when a map or version was saved while it ran. */
const ROTATION_ATTEMPTS = 3;
/** How many maps' version lists a rotation fetches at once. */
const ROTATION_FETCHES = 8;

interface OpenedVersion {
  versionId: string;
  document: MindMapDocument;
  seq: number;
  /** The version's own content key (v2 blobs), what a pinned link carries. */
  contentKey: Uint8Array | null;
}

export class Vault {
  private constructor(
    readonly api: MindvaultApi,
    /** The address the account is reached and salted by (normal unless registered before normalisation). */
    private readonly address: AccountAddress,
    readonly userId: string,
    private keyPairs: AccountKeyPairs,
    /** The keyVersion `keyPairs` belong to; sent with every write of key material. */
    private keyVersion: number,
    private keyEncryptionKey: Uint8Array,
    /** The current authKey (base64): the server wants it, beside the session, to rotate keys. */
    private authKey: string,
    private readonly state: DeviceState,
    private readonly options: VaultOptions,
  ) {}

  /** The account's address, as the server knows it. */
  get email(): string {
    return this.address.email;
  }

  /** How the address enters the account's salt: 'registered' for an account made before normalisation. */
  get emailForm(): EmailForm {
    return this.address.form;
  }

  /** New KDF parameters and key pairs, sealed under the password; the server gets the authKey. */
  static async register(api: MindvaultApi, { email: typed, password }: Credentials, options: VaultOptions = {}): Promise<Vault> {
    // The server keys accounts by the normalised address (crypto.md §3): that is what it is sent.
    const email = normalizeEmail(typed);
    const state = await DeviceState.load(options.state ?? new MemoryDeviceStateStore(), email);
    const account = await createAccount(email, password, options);
    const { userId } = await api.auth.register({ email, authKey: account.authKey, kdf: account.kdf, keys: account.keys });
    await state.observeKeyVersion(userId, 1);
    return new Vault(api, { email, form: 'normal' }, userId, account.keyPairs, 1, account.keyEncryptionKey, account.authKey, state, options);
  }

  /**
   * register, then the account's first recovery key (its words, to show once), proved with the
   * password just typed: no second derivation.
   */
  static async registerWithRecoveryKey(api: MindvaultApi, credentials: Credentials, options: VaultOptions = {}): Promise<{ vault: Vault; recoveryWords: string }> {
    const vault = await Vault.register(api, credentials, options);
    return { vault, recoveryWords: await vault.setRecoveryKey(vault.authKey) };
  }

  /**
   * A fresh device: prelogin → Argon2id → login → fetch the key bundle → verify and open it. The
   * server keys accounts by the normalised address (crypto.md §3): that is what is sent first; an
   * address that normalises to something else is tried again in its pre-normalisation form when
   * the server refuses the first (an account registered before normalisation, kdf.ts accountAddresses).
   */
  static async login(api: MindvaultApi, { email: typed, password, secondFactor }: Credentials, options: VaultOptions = {}): Promise<Vault> {
    const state = await DeviceState.load(options.state ?? new MemoryDeviceStateStore(), normalizeEmail(typed));
    return Vault.eachAddress(typed, 'INVALID_CREDENTIALS', async (address) => {
      const kdf = await api.auth.prelogin(address.email);
      const keys = await deriveLoginKeys({ email: address.email, emailForm: address.form, password, params: kdf }, options);
      let userId: string;
      try {
        ({ userId } = await Vault.loginWithFactor(api, { email: address.email, authKey: keys.authKey }, secondFactor));
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'INVALID_CREDENTIALS' && options.allowLegacyV1 === true && !state.knowsAccount)) {
          throw error;
        }
        return Vault.upgradeLegacy(api, address, password, kdf, state, options);
      }
      return (await Vault.open(api, address, userId, keys, state, options, 'login')).vault;
    });
  }

  /**
   * `attempt` with each address `typed` may be registered under (kdf.ts accountAddresses), the next
   * only after the one before failed with `refusal` (the server's ApiError code, or the SDK's error
   * class); the last address's failure is the answer.
   */
  private static async eachAddress<T>(
    typed: string,
    refusal: string | (new (...args: never[]) => Error),
    attempt: (address: AccountAddress) => Promise<T>,
  ): Promise<T> {
    const addresses = accountAddresses(typed);
    for (let i = 0; ; i++) {
      try {
        return await attempt(addresses[i]!);
      } catch (error) {
        const refused = typeof refusal === 'string' ? error instanceof ApiError && error.code === refusal : error instanceof refusal;
        if (!refused || i === addresses.length - 1) throw error;
      }
    }
  }

  /** The password step, then, when the server asks for it, the second step with codes from `ask`. */
  private static async loginWithFactor(api: MindvaultApi, body: { email: string; authKey: string }, ask?: Credentials['secondFactor']): Promise<{ userId: string }> {
    try {
      return await api.auth.login(body);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'SECOND_FACTOR_REQUIRED' && ask !== undefined)) throw error;
      const challengeToken = String(error.body['challengeToken']);
      const methods = Array.isArray(error.body['methods']) ? (error.body['methods'] as unknown[]).map(String) : ['totp', 'backup-code'];
      const step: SecondStep = { methods, passkeyOptions: () => api.auth.loginPasskeyOptions({ challengeToken }) };
      for (let attempt = 1; ; attempt++) {
        try {
          const answer = await ask(step);
          return await api.auth.completeSecondFactor(typeof answer === 'string' ? { challengeToken, code: answer.trim() } : { challengeToken, passkey: answer.passkey });
        } catch (stepError) {
          if (!(stepError instanceof ApiError && stepError.code === 'INVALID_SECOND_FACTOR' && attempt < SECOND_FACTOR_TRIES)) throw stepError;
        }
      }
    }
  }

  /**
   * A forgotten password, reset with the recovery key's words: the server answers the private keys
   * as the recovery key wrapped them, they are opened and checked against the account's public
   * keys here, sealed under `newPassword`, and sent with a new recovery key that replaces the used
   * one. Every session ends; log in with the new password next. Resolves to the new recovery
   * key's words, to show once. Wrong words: the server's INVALID_RECOVERY_KEY (or InvalidInputError
   * for words that are not a recovery key at all); key material that does not open: TamperingError.
   */
  static async recover(
    api: MindvaultApi,
    input: { email: string; recoveryWords: string; newPassword: string },
    options: VaultOptions = {},
  ): Promise<{ newRecoveryWords: string }> {
    const key = recoveryKeyFromWords(input.recoveryWords);
    const { recoveryAuthKey } = deriveRecoveryKeys(key);
    // The address the key opens: the normal form first, as login does (kdf.ts accountAddresses).
    const { address, proof, material } = await Vault.eachAddress(input.email, 'INVALID_RECOVERY_KEY', async (address) => {
      const proof = { email: address.email, recoveryAuthKey: toBase64(recoveryAuthKey) };
      return { address, proof, material: await api.auth.recoveryKeyMaterial(proof) };
    });
    let keyPairs: AccountKeyPairs;
    try {
      keyPairs = await openRecoveryKeyMaterial(material, key);
    } catch (error) {
      if (error instanceof DecryptionError) throw new TamperingError('key-bundle', null, { cause: error });
      throw error;
    } finally {
      wipe(key, recoveryAuthKey);
    }
    try {
      const { request, newWords } = await resealForRecovery(
        { email: address.email, emailForm: address.form, newPassword: input.newPassword, keyPairs, keyVersion: material.keyVersion },
        options,
      );
      await api.auth.recover({ ...proof, ...request });
      return { newRecoveryWords: newWords };
    } finally {
      wipe(keyPairs.classical.secretKey, keyPairs.pq.seed, keyPairs.pq.secretKey);
    }
  }

  /**
   * A device that still holds a session (tokens) but no keys, e.g. the CLI between commands:
   * re-derives the key-encryption key from the password without logging in again.
   */
  static async unlock(api: MindvaultApi, { email: typed, password }: Credentials, options: VaultOptions = {}): Promise<Vault> {
    const session = await api.http.tokens();
    if (session === undefined) throw new InvalidInputError('no session: log in first');
    const state = await DeviceState.load(options.state ?? new MemoryDeviceStateStore(), normalizeEmail(typed));
    // As login: the normal form, then the pre-normalisation one (kdf.ts accountAddresses).
    return Vault.eachAddress(typed, WrongPasswordError, async (address) => {
      const kdf = await api.auth.prelogin(address.email);
      const keys = await deriveLoginKeys({ email: address.email, emailForm: address.form, password, params: kdf }, options);
      return (await Vault.open(api, address, session.userId, keys, state, options, 'unlock')).vault;
    });
  }

  private static async open(
    api: MindvaultApi,
    address: AccountAddress,
    userId: string,
    keys: LoginKeys,
    state: DeviceState,
    options: VaultOptions,
    how: 'login' | 'unlock' | 'legacy',
  ): Promise<{ vault: Vault; format: BundleFormat }> {
    const bundle = await api.auth.keys();
    let unlocked;
    try {
      unlocked = await unlockKeyBundle(bundle, keys.keyEncryptionKey);
    } catch (error) {
      // After a login the password is known to be right, so a bundle that does not open was not
      // sealed by it; on unlock the two cannot be told apart.
      if (error instanceof DecryptionError && how === 'unlock' && error.reason === 'authentication-failed') {
        throw new WrongPasswordError({ cause: error });
      }
      if (error instanceof DecryptionError) throw new TamperingError('key-bundle', null, { cause: error });
      throw error;
    }
    if (unlocked.format === 'v1' && how !== 'legacy') throw new TamperingError('key-bundle', null);
    if (unlocked.format === 'v2') await state.observeKeyVersion(userId, bundle.keyVersion);
    const vault = new Vault(api, address, userId, unlocked.keyPairs, bundle.keyVersion, keys.keyEncryptionKey, keys.authKey, state, options);
    return { vault, format: unlocked.format };
  }

  /**
   * A v1 account: log in with the v1 derivation, rotate to fresh keys with every envelope
   * re-wrapped in v2 (trusting the v1 envelopes as found: v1 had nothing to check them with),
   * then move the password to the v2 derivation. Titles and heads follow on their next save, or
   * all at once with upgradeMaps().
   */
  private static async upgradeLegacy(api: MindvaultApi, address: AccountAddress, password: string, kdf: KdfParams, state: DeviceState, options: VaultOptions): Promise<Vault> {
    const keys = await deriveLoginKeys({ email: address.email, password, params: kdf, format: 'v1' }, options);
    const { userId } = await api.auth.login({ email: address.email, authKey: keys.authKey });
    const { vault, format } = await Vault.open(api, address, userId, keys, state, options, 'legacy');
    // A v2 bundle here means an earlier upgrade rotated but stopped before the password step.
    if (format === 'v1') await vault.rotate(true);
    await vault.changePasswordFrom('v1', password, password);
    return vault;
  }

  /** The keyVersion of the keys this vault holds. */
  get currentKeyVersion(): number {
    return this.keyVersion;
  }

  /** Every map, decrypted; the first that fails its verification rejects the whole list. */
  async listMaps(): Promise<MapInfo[]> {
    const sound: MapInfo[] = [];
    for (const { refusal, ...info } of await this.checkMaps()) {
      if (refusal !== null) throw refusal;
      sound.push(info as MapInfo);
    }
    return sound;
  }

  /**
   * Every map in the server's order, each verified on its own: one whose envelope or title fails
   * (planted, moved, or older than this device has seen) is listed with its refusal, and does not
   * hide the sound ones. Anything else (network, session) still rejects.
   */
  async checkMaps(): Promise<CheckedMap[]> {
    const out: CheckedMap[] = [];
    for (const map of await this.api.mindmaps.listAll()) {
      try {
        out.push({ ...(await this.describe(map)), refusal: null });
      } catch (error) {
        if (!(error instanceof TamperingError || error instanceof RollbackError)) throw error;
        out.push({ ...summary(map), title: null, refusal: error });
      }
    }
    return out;
  }

  async getMap(mapId: string): Promise<MapInfo> {
    return this.describe(await this.api.mindmaps.get(mapId));
  }

  /**
   * A fresh data key, wrapped for this account; the title encrypted under it. This client picks the
   * map's id (a random UUID), so the envelope and title are bound to it from the first write.
   */
  async createMap(input: { title: string; maxVersions?: number }): Promise<MapInfo> {
    const dek = generateDek();
    const id = globalThis.crypto.randomUUID();
    try {
      const detail = await this.withCurrentKeys(async () => {
        const bound = { userId: this.userId, mapId: id };
        return this.api.mindmaps.create({
          id,
          encryptedTitle: await encryptTitle(input.title, 1, { ...bound, dek }),
          envelope: await wrapOwnerDek(dek, 1, this.keyPairs, { ...bound, keyVersion: this.keyVersion }),
          keyVersion: this.keyVersion,
          ...(input.maxVersions !== undefined ? { maxVersions: input.maxVersions } : {}),
        });
      });
      // The key is bound to `id`: a map recorded under another id would never open.
      if (detail.id !== id) throw new TamperingError('envelope', detail.id);
      await this.state.observeEpoch(id, 1);
      await this.state.observeTitle(id, 1);
      return { ...summary(detail), title: input.title };
    } finally {
      wipe(dek);
    }
  }

  /**
   * Encrypts the document under the map's verified data key as the save after the current head,
   * and uploads it with `If-Match` on that head (412 VERSION_CONFLICT if another save won).
   * A planted or moved envelope, or a head older than one seen here, refuses before any upload.
   */
  async push(mapId: string, document: MindMapDocument, options: { ifMatch?: string; onProgress?: ProgressCallback } = {}): Promise<SavedVersion> {
    const detail = await this.api.mindmaps.get(mapId);
    const { dek } = await this.mapKey(detail);
    try {
      const seq = (await this.currentHeadSeq(detail, dek)) + 1;
      const sealed = await encryptDocument(document, { userId: this.userId, mapId, dek, seq });
      wipe(sealed.contentKey);
      const ifMatch = options.ifMatch ?? detail.headVersionId ?? undefined;
      const saved = await this.api.mindmaps.upload(mapId, sealed.blob, {
        ...(ifMatch !== undefined ? { ifMatch } : {}),
        // Encrypted under this envelope's key: if the map is re-keyed meanwhile, nothing is saved.
        envelopeWrappedDek: detail.envelope.wrappedDek,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      await this.state.observeHead(mapId, seq, saved.versionId);
      return saved;
    } finally {
      wipe(dek);
    }
  }

  /**
   * Saves `document`, an edit of version `baseVersionId`. If another save moved the head since,
   * the two edits are merged (mergeDocuments: base, this document, the head) and the merge is
   * saved over that head, again with `If-Match`, as often as the head keeps moving (a few times).
   * A merge with conflicts saves nothing: MergeConflictError names them.
   */
  async pushMerging(
    mapId: string,
    document: MindMapDocument,
    baseVersionId: string,
    options: { onProgress?: ProgressCallback } = {},
  ): Promise<SavedVersion & { merged: boolean }> {
    let mine = document;
    let base = baseVersionId;
    for (let attempt = 0; ; attempt++) {
      try {
        const saved = await this.push(mapId, mine, { ifMatch: base, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
        return { ...saved, merged: attempt > 0 };
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'VERSION_CONFLICT') || attempt >= 4) throw error;
      }
      const [old, head] = await Promise.all([this.pull(mapId, { versionId: base }), this.pull(mapId)]);
      const result = mergeDocuments(old.document, mine, head.document);
      if (result.conflicts.length > 0) throw new MergeConflictError(mapId, result.conflicts, head.versionId);
      mine = result.document;
      base = head.versionId;
    }
  }

  /**
   * Downloads a version (the head by default), checks and decrypts it with the envelope recorded
   * for that version (else the map's). The head is compared with the newest this device has seen;
   * an explicit `versionId` is history browsing and is not.
   */
  async pull(mapId: string, options: { versionId?: string; onProgress?: ProgressCallback } = {}): Promise<PulledMap> {
    // The head comes inline with the detail (one request) unless it is large; history reads download.
    const opened = options.versionId === undefined ? await this.api.mindmaps.open(mapId) : undefined;
    const detail = opened ?? (await this.api.mindmaps.get(mapId));
    // "No content" where this device has seen some is a rollback, not an empty map.
    if (detail.headVersionId === null && options.versionId === undefined) this.state.checkEmpty(mapId);
    const { dek } = await this.mapKey(detail);
    try {
      const { title } = await this.titleOf(detail, dek);
      const version = await this.readVersion(detail, options, dek, opened?.content);
      if (version.contentKey !== null) wipe(version.contentKey);
      return { mapId, title, versionId: version.versionId, document: version.document, seq: version.seq };
    } finally {
      wipe(dek);
    }
  }

  /**
   * Seals a draft for this device's storage (crypto.md §6.3) under a key derived from the
   * password's key-encryption key: no request is made, so it works while the network is gone.
   */
  async sealDraft(mapId: string, draft: MapDraft): Promise<Uint8Array> {
    const draftKey = deriveDraftKey(this.keyEncryptionKey, this.userId);
    try {
      return await sealDraftBytes(draft, { userId: this.userId, mapId, draftKey });
    } finally {
      wipe(draftKey);
    }
  }

  /** Opens a draft sealed by sealDraft for `mapId` (DecryptionError: another map, account or password). */
  async openDraft(mapId: string, sealed: Uint8Array): Promise<MapDraft> {
    const draftKey = deriveDraftKey(this.keyEncryptionKey, this.userId);
    try {
      const raw = (await openDraftBytes(sealed, { userId: this.userId, mapId, draftKey })) as Record<string, unknown>;
      const baseVersionId = raw['baseVersionId'];
      if (baseVersionId !== null && typeof baseVersionId !== 'string') throw new InvalidInputError('draft: baseVersionId');
      return {
        baseVersionId,
        base: parseDocument(raw['base']),
        mine: parseDocument(raw['mine']),
        savedAt: typeof raw['savedAt'] === 'string' ? raw['savedAt'] : new Date(0).toISOString(),
      };
    } finally {
      wipe(draftKey);
    }
  }

  /** A map's versions, newest first, with their pins and names (a name that does not open is tampering). */
  async history(mapId: string): Promise<HistoryEntry[]> {
    const [detail, versions] = await Promise.all([this.api.mindmaps.get(mapId), this.api.mindmaps.versions(mapId)]);
    // One unwrap per envelope, not per named version: the versions saved under one map key share
    // its envelope, and unwrapping is the costly part (a KEM decapsulation). Wiped once all are read.
    const keys = new Map<string, Promise<Uint8Array>>();
    try {
      return await mapLimit(versions, 4, (v) => this.historyEntry(mapId, v, detail.headVersionId, keys));
    } finally {
      for (const settled of await Promise.allSettled(keys.values())) if (settled.status === 'fulfilled') wipe(settled.value);
    }
  }

  /**
   * Names and/or pins a version ("Before the reorg"): the name is encrypted here under the DEK of
   * the version's own envelope, bound to the map and version; `label: null` removes it.
   */
  async markVersion(mapId: string, versionId: string, marks: { label?: string | null; pinned?: boolean }): Promise<HistoryEntry> {
    const versions = await this.api.mindmaps.versions(mapId);
    const version = versions.find((v) => v.versionId === versionId);
    if (version === undefined) throw new InvalidInputError(`no version ${versionId} in map ${mapId}`);
    let encryptedLabel: string | null | undefined;
    if (typeof marks.label === 'string') {
      const dek = await this.versionKey(mapId, version.envelope);
      try {
        encryptedLabel = await encryptVersionLabel(marks.label, { userId: this.userId, mapId, versionId, dek });
      } finally {
        wipe(dek);
      }
    } else if (marks.label === null) {
      encryptedLabel = null;
    }
    const marked = await this.api.mindmaps.markVersion(mapId, versionId, {
      ...(encryptedLabel !== undefined ? { encryptedLabel } : {}),
      ...(marks.pinned !== undefined ? { pinned: marks.pinned } : {}),
    });
    const detail = await this.api.mindmaps.get(mapId);
    return this.historyEntry(mapId, marked, detail.headVersionId);
  }

  /** `keys`: DEKs by envelope, shared by the entries of one history() call, which wipes them. */
  private async historyEntry(mapId: string, v: VersionSnapshot, headVersionId: string | null, keys?: Map<string, Promise<Uint8Array>>): Promise<HistoryEntry> {
    let label: string | null = null;
    if (v.encryptedLabel !== null) {
      // Keyed by the whole envelope: one that differs in any part is unwrapped (and checked) on its own.
      const envelopeKey = `${v.envelope.ephClassicalPublic}.${v.envelope.ephPqCiphertext}.${v.envelope.wrappedDek}`;
      let shared = keys?.get(envelopeKey);
      if (keys && !shared) {
        shared = this.versionKey(mapId, v.envelope);
        keys.set(envelopeKey, shared);
      }
      const dek = await (shared ?? this.versionKey(mapId, v.envelope));
      try {
        label = await decryptVersionLabel(v.encryptedLabel, { userId: this.userId, mapId, versionId: v.versionId, dek });
      } catch (error) {
        throw refusal('title', mapId, error);
      } finally {
        if (!shared) wipe(dek);
      }
    }
    return { versionId: v.versionId, sizeBytes: v.sizeBytes, savedAt: v.savedAt, isHead: v.versionId === headVersionId, pinned: v.pinned, label };
  }

  /** The DEK of a version's recorded envelope (an older epoch than the map's is expected here). */
  private async versionKey(mapId: string, envelope: Envelope): Promise<Uint8Array> {
    try {
      return (await unwrapOwnerDek(envelope, this.keyPairs, { userId: this.userId, mapId, keyVersion: this.keyVersion })).dek;
    } catch (error) {
      throw refusal('envelope', mapId, error);
    }
  }

  /**
   * An old version saved again as the new head, re-encrypted here with the next seq. (The server's
   * own restore copies the old blob, whose older seq would rightly look like a rollback.)
   */
  async restore(mapId: string, versionId: string): Promise<SavedVersion> {
    const old = await this.pull(mapId, { versionId });
    return this.push(mapId, old.document);
  }

  async rename(mapId: string, title: string): Promise<MapInfo> {
    const detail = await this.api.mindmaps.get(mapId);
    const { dek } = await this.mapKey(detail);
    try {
      const revision = (await this.titleOf(detail, dek)).revision + 1;
      const updated = await this.api.mindmaps.update(mapId, {
        encryptedTitle: await encryptTitle(title, revision, { userId: this.userId, mapId, dek }),
      });
      await this.state.observeTitle(mapId, revision);
      return { ...summary(updated), title };
    } finally {
      wipe(dek);
    }
  }

  async deleteMap(mapId: string): Promise<void> {
    await this.api.mindmaps.delete(mapId);
    await this.state.forgetMap(mapId);
  }

  /**
   * A link share. Without `versionId` the link carries the map's data key at its current epoch
   * (it follows the head until a link of the map is revoked); with one it carries that version's
   * own content key and the title key only, so it opens that version and nothing else.
   */
  share(mapId: string, options: ShareOptions = {}): Promise<CreatedShare> {
    return this.withCurrentKeys(() => this.shareOnce(mapId, options));
  }

  private async shareOnce(mapId: string, options: ShareOptions): Promise<CreatedShare> {
    const detail = await this.api.mindmaps.get(mapId);
    const { dek, epoch } = await this.mapKey(detail);
    let link: LinkShare;
    try {
      if (options.versionId === undefined) {
        link = await createLinkShare({ kind: 'map', userId: this.userId, mapId, epoch, dek });
      } else {
        const version = await this.readVersion(detail, { versionId: options.versionId }, dek);
        if (version.contentKey === null) {
          throw new InvalidInputError('this version predates the v2 format and has no key of its own: save the map again and share that version');
        }
        const titleKey = deriveTitleKey(dek, mapId);
        try {
          link = await createLinkShare({ kind: 'version', userId: this.userId, mapId, seq: version.seq, contentKey: version.contentKey, titleKey });
        } finally {
          wipe(version.contentKey, titleKey);
        }
      }
    } finally {
      wipe(dek);
    }
    try {
      const created = await this.api.shares.create(mapId, {
        envelope: link.envelope,
        keyVersion: this.keyVersion,
        ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
        ...(options.versionId !== undefined ? { versionId: options.versionId } : {}),
      });
      const url = buildShareUrl(options.linkBaseUrl ?? this.api.http.baseUrl, created.token, link.linkKey);
      return { url, shareId: created.shareId, token: created.token };
    } finally {
      wipe(link.linkKey);
    }
  }

  /**
   * Revokes a link, then gives the map a fresh data key (epoch + 1) for every version saved
   * afterwards, so the link's holder cannot read them even with the server's help. Old versions
   * keep their envelopes. Other unpinned links of the map keep the versions saved before, not
   * those after: share again to give them on.
   */
  async revokeShare(mapId: string, shareId: string): Promise<void> {
    await this.api.shares.revoke(mapId, shareId);
    await this.rekey(mapId);
  }

  /** A fresh data key for the map's future versions; the title re-encrypted under it. */
  async rekey(mapId: string): Promise<void> {
    const detail = await this.api.mindmaps.get(mapId);
    const current = await this.mapKey(detail);
    const next = generateDek();
    try {
      const title = await this.titleOf(detail, current.dek);
      const epoch = current.epoch + 1;
      await this.withCurrentKeys(async () => {
        const bound = { userId: this.userId, mapId };
        return this.api.mindmaps.update(mapId, {
          encryptedTitle: await encryptTitle(title.title, title.revision + 1, { ...bound, dek: next }),
          envelope: await wrapOwnerDek(next, epoch, this.keyPairs, { ...bound, keyVersion: this.keyVersion }),
          keyVersion: this.keyVersion,
        });
      });
      await this.state.observeEpoch(mapId, epoch);
      await this.state.observeTitle(mapId, title.revision + 1);
    } finally {
      wipe(current.dek, next);
    }
  }

  /**
   * New key pairs; every owned map's data key, and every distinct key recorded for its versions,
   * re-wrapped for them in one request, so the new keys alone open every version and the old
   * private keys can be destroyed. A map or version saved meanwhile makes the server refuse
   * (ROTATION_INCOMPLETE): the lists are fetched again and the rotation retried.
   */
  async rotateKeys(): Promise<{ keyVersion: number; maps: number }> {
    return this.rotate(false);
  }

  private async rotate(allowLegacy: boolean): Promise<{ keyVersion: number; maps: number }> {
    for (let attempt = 1; ; attempt++) {
      if (!allowLegacy) await this.adoptCurrentKeys();
      const maps = await this.api.mindmaps.listAll();
      const versions = await mapLimit(maps, ROTATION_FETCHES, (m) => this.api.mindmaps.versions(m.id));
      const rotation = await rotateAccountKeys({
        userId: this.userId,
        currentKeyPairs: this.keyPairs,
        currentKeyVersion: this.keyVersion,
        keyEncryptionKey: this.keyEncryptionKey,
        allowLegacy,
        maps: maps.map((m, i) => ({
          id: m.id,
          envelope: m.envelope,
          // The map's own envelope also replaces every version envelope equal to it (server rule).
          versionEnvelopes: versions[i]!.map((v) => v.envelope).filter((e) => e.wrappedDek !== m.envelope.wrappedDek),
        })),
      }).catch((error: unknown) => {
        if (error instanceof DecryptionError) throw new TamperingError('envelope', /map ([0-9a-f-]{36})/.exec(error.message)?.[1] ?? null, { cause: error });
        throw error;
      });
      try {
        const saved = await this.api.auth.rotateKeys({
          currentAuthKey: this.authKey,
          keys: rotation.keys,
          keyVersion: rotation.keyVersion,
          maps: rotation.maps.map((m) => ({
            id: m.id,
            envelope: m.envelope,
            versionEnvelopes: m.versionEnvelopes.map((v) => ({ previousWrappedDek: v.previous.wrappedDek, envelope: v.envelope })),
          })),
        });
        this.keyPairs = rotation.keyPairs;
        this.keyVersion = saved.keyVersion;
        await this.state.observeKeyVersion(this.userId, saved.keyVersion);
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
    await this.changePasswordFrom('v2', currentPassword, newPassword);
  }

  private async changePasswordFrom(currentFormat: KdfFormat, currentPassword: string, newPassword: string): Promise<void> {
    const currentKdf = await this.api.auth.prelogin(this.email);
    const bundle = await this.api.auth.keys();
    let change;
    try {
      change = await changePassword({ email: this.email, emailForm: this.emailForm, currentPassword, currentKdf, currentFormat, bundle, newPassword }, this.options);
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
    await this.state.observeKeyVersion(this.userId, bundle.keyVersion);
  }

  /**
   * Brings every map to the v2 formats: a v1 title is re-encrypted, a v1 head saved again as v2.
   * Returns how many maps changed. (Old v1 versions stay readable as they are.)
   */
  async upgradeMaps(): Promise<number> {
    let changed = 0;
    for (const map of await this.api.mindmaps.listAll()) {
      let touched = false;
      const { dek } = await this.mapKey(map);
      try {
        const title = await this.titleOf(map, dek);
        if (title.format === 'v1') {
          await this.rename(map.id, title.title);
          touched = true;
        }
      } finally {
        wipe(dek);
      }
      if (map.headVersionId !== null) {
        const head = await this.api.mindmaps.download(map.id);
        if (readContentHeader(head.bytes).format === 'v1') {
          await this.push(map.id, (await this.pull(map.id)).document);
          touched = true;
        }
      }
      if (touched) changed++;
    }
    return changed;
  }

  /**
   * Deletes the account and everything it owns, for good. The password is asked again (not the
   * authKey this vault holds): an unlocked device left alone must not be enough to erase an
   * account. A wrong one rejects with the server's INVALID_CREDENTIALS and changes nothing; on
   * success the session and the keys here are gone too.
   */
  async deleteAccount(password: string): Promise<void> {
    await this.api.auth.deleteAccount({ currentAuthKey: await this.proofOf(password) });
    this.lock();
  }

  /**
   * The whole account as a readable zip (account-archive.ts): each map as JSON, Markdown and OPML,
   * optionally every version, and a manifest. Yields the bytes as they are made.
   */
  exportArchive(options: ArchiveOptions = {}): AsyncGenerator<Uint8Array> {
    return accountArchive(this, options);
  }

  /**
   * The encrypted backup (account-backup.ts): JSON Lines of the account's ciphertext, envelopes and
   * key bundle, opened later with the password or the recovery key. Yields line by line.
   */
  exportBackup(options: { onProgress?: (p: BackupProgress) => void } = {}): AsyncGenerator<string> {
    return accountBackup(this, options);
  }

  /** Restores a backup (any account's, from any server) into this account, history kept. */
  importBackup(lines: AsyncIterable<string>, secret: BackupSecret, options: { onProgress?: (p: BackupProgress) => void } = {}): Promise<BackupProgress> {
    return restoreBackup(this, lines, secret, { ...this.options, ...options });
  }

  /** Whether a recovery key can reset the password (a key rotation drops it). */
  async recoveryStatus(): Promise<{ enabled: boolean; createdAt: string | null }> {
    return this.api.auth.recoveryStatus();
  }

  /**
   * Makes a new recovery key for the current keys and resolves to its 12 words, to show once; an
   * earlier recovery key stops working. The password is asked again: an unlocked device left alone
   * must not be enough to plant a recovery key someone else holds.
   */
  async createRecoveryKey(password: string): Promise<string> {
    return this.setRecoveryKey(await this.proofOf(password));
  }

  private setRecoveryKey(currentAuthKey: string): Promise<string> {
    return this.withCurrentKeys(async () => {
      const { words, wrapping } = await createRecoveryKey(this.keyPairs, this.keyVersion);
      await this.api.auth.setRecoveryKey({ currentAuthKey, keyVersion: this.keyVersion, recovery: wrapping });
      return words;
    });
  }

  /** Whether a TOTP factor guards the login, and how many backup codes are left. */
  secondFactorStatus(): Promise<{ totpEnabled: boolean; backupCodesLeft: number; passkeys: { id: string; name: string; createdAt: string }[] }> {
    return this.api.auth.secondFactorStatus();
  }

  /**
   * Starts adding a TOTP factor (the password asked again): the secret and the otpauth:// URI to
   * show as a QR code. The login is unchanged until confirmTotp gets the app's first code.
   */
  async beginTotp(password: string): Promise<{ secret: string; otpauthUri: string }> {
    return this.api.auth.beginTotp({ currentAuthKey: await this.proofOf(password) });
  }

  /** Enables the factor with the app's current code; answers the ten backup codes, shown once. */
  async confirmTotp(code: string): Promise<string[]> {
    return (await this.api.auth.confirmTotp({ code: code.trim() })).backupCodes;
  }

  /** WebAuthn creation options for a new passkey (the password asked again); give them to the browser. */
  async passkeyEnrolmentOptions(password: string): Promise<Record<string, unknown>> {
    return this.api.auth.passkeyEnrolmentOptions({ currentAuthKey: await this.proofOf(password) });
  }

  /** Stores the browser's answer to passkeyEnrolmentOptions: from now on the login can take this passkey. */
  async addPasskey(response: Record<string, unknown>, name: string): Promise<{ id: string; name: string; createdAt: string }> {
    return this.api.auth.addPasskey({ response, name });
  }

  /** Removes a passkey (the password asked again). */
  async removePasskey(credentialId: string, password: string): Promise<void> {
    await this.api.auth.removePasskey(credentialId, { currentAuthKey: await this.proofOf(password) });
  }

  /** Removes the factor: the password and a current code (or a backup code). */
  async disableTotp(password: string, code: string): Promise<void> {
    await this.api.auth.disableTotp({ currentAuthKey: await this.proofOf(password), code: code.trim() });
  }

  /** The authKey of `password`, derived afresh: the server's proof that the person here knows it. */
  private async proofOf(password: string): Promise<string> {
    const kdf = await this.api.auth.prelogin(this.email);
    return (await deriveLoginKeys({ email: this.email, emailForm: this.emailForm, password, params: kdf }, this.options)).authKey;
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

  /** The server's key bundle, adopted (verified, not older) when another device rotated since this vault was opened. */
  private async adoptCurrentKeys(): Promise<void> {
    const bundle = await this.api.auth.keys();
    if (bundle.keyVersion === this.keyVersion && bundle.classicalPublicKey === publicKeysOf(this.keyPairs).classicalPublicKey) return;
    let unlocked;
    try {
      unlocked = await unlockKeyBundle(bundle, this.keyEncryptionKey);
    } catch (error) {
      if (error instanceof DecryptionError) throw new TamperingError('key-bundle', null, { cause: error });
      throw error;
    }
    if (unlocked.format !== 'v2') throw new TamperingError('key-bundle', null);
    await this.state.observeKeyVersion(this.userId, bundle.keyVersion);
    this.keyPairs = unlocked.keyPairs;
    this.keyVersion = bundle.keyVersion;
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

  /** The map's current data key: its envelope verified (account MAC, context) and its epoch not older than seen. */
  private async mapKey(map: { id: string; envelope: Envelope }): Promise<{ dek: Uint8Array; epoch: number }> {
    let opened;
    try {
      opened = await unwrapOwnerDek(map.envelope, this.keyPairs, { userId: this.userId, mapId: map.id, keyVersion: this.keyVersion });
    } catch (error) {
      throw refusal('envelope', map.id, error);
    }
    try {
      await this.state.observeEpoch(map.id, opened.epoch);
    } catch (error) {
      wipe(opened.dek);
      throw error;
    }
    return { dek: opened.dek, epoch: opened.epoch };
  }

  private async titleOf(map: { id: string; encryptedTitle: string }, dek: Uint8Array): Promise<OpenedTitle> {
    let opened: OpenedTitle;
    try {
      opened = await decryptTitle(map.encryptedTitle, { userId: this.userId, mapId: map.id, dek });
    } catch (error) {
      throw refusal('title', map.id, error);
    }
    await this.state.observeTitle(map.id, opened.revision);
    return opened;
  }

  /**
   * The head when `versionId` is absent (checked against the newest seen, then recorded).
   * `mapDek`: the map's envelope already verified and opened by the caller, not opened twice.
   * `inline`: the head as `open` brought it (bytes and recorded envelope), checked exactly like a
   * download; null or absent, the version is downloaded and its envelope looked up.
   */
  private async readVersion(
    detail: MindMapDetail | MindMapSummary,
    options: { versionId?: string; onProgress?: ProgressCallback },
    mapDek?: Uint8Array,
    inline?: InlineContent | null,
  ): Promise<OpenedVersion> {
    const { download, recorded } = inline ? inlineVersion(inline) : await this.fetchVersion(detail.id, options);
    const candidates = recorded !== undefined && recorded.wrappedDek !== detail.envelope.wrappedDek ? [recorded, detail.envelope] : [detail.envelope];
    let failure: Error | undefined;
    for (const envelope of candidates) {
      let dek: Uint8Array;
      try {
        dek =
          mapDek !== undefined && envelope.wrappedDek === detail.envelope.wrappedDek
            ? Uint8Array.from(mapDek)
            : (await unwrapOwnerDek(envelope, this.keyPairs, { userId: this.userId, mapId: detail.id, keyVersion: this.keyVersion })).dek;
      } catch (error) {
        failure = refusal('envelope', detail.id, error);
        continue;
      }
      try {
        const opened = await decryptDocument(download.bytes, { userId: this.userId, mapId: detail.id, dek });
        if (options.versionId === undefined) await this.state.observeHead(detail.id, opened.seq, download.versionId);
        const header = readContentHeader(download.bytes);
        const contentKey = header.format === 'v2' ? deriveContentKey(dek, detail.id, header.seq, header.versionNonce) : null;
        return { versionId: download.versionId, document: opened.document, seq: opened.seq, contentKey };
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
        failure = refusal('content', detail.id, error);
      } finally {
        wipe(dek);
      }
    }
    throw failure ?? new TamperingError('content', detail.id);
  }

  /** A version's bytes (GET …/blob) and the envelope recorded for it (from the version list). */
  private async fetchVersion(mapId: string, options: { versionId?: string; onProgress?: ProgressCallback }): Promise<{ download: Download; recorded: Envelope | undefined }> {
    const download = await this.api.mindmaps.download(mapId, options);
    const versions = await this.api.mindmaps.versions(mapId);
    return { download, recorded: versions.find((v) => v.versionId === download.versionId)?.envelope };
  }

  /** seq of the map's current head, verified: from this device's memory, else the head itself. */
  private async currentHeadSeq(detail: MindMapDetail, mapDek: Uint8Array): Promise<number> {
    if (detail.headVersionId === null) {
      this.state.checkEmpty(detail.id);
      return 0;
    }
    const seen = this.state.map(detail.id);
    if (seen.headVersionId === detail.headVersionId) return seen.headSeq;
    const head = await this.readVersion(detail, {}, mapDek);
    if (head.contentKey !== null) wipe(head.contentKey);
    return head.seq;
  }

  private async describe(map: MindMapSummary): Promise<MapInfo> {
    const { dek } = await this.mapKey(map);
    try {
      return { ...summary(map), title: (await this.titleOf(map, dek)).title };
    } finally {
      wipe(dek);
    }
  }
}

/** A DecryptionError about `item` of `mapId` becomes the TamperingError callers branch on. */
function refusal(item: TamperedItem, mapId: string, error: unknown): Error {
  if (error instanceof DecryptionError) return new TamperingError(item, mapId, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

function summary(map: MindMapSummary | MindMapDetail): Omit<MapInfo, 'title'> {
  const { id, headVersionId, sizeBytes, versionCount, createdAt, updatedAt } = map;
  return { id, headVersionId, sizeBytes, versionCount, createdAt, updatedAt };
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

function inlineVersion(inline: InlineContent): { download: Download; recorded: Envelope } {
  return { download: { bytes: fromBase64(inline.data, 'inline content'), versionId: inline.versionId }, recorded: inline.envelope };
}
