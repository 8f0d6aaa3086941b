/**
 * Mindvault client SDK. Everything here runs in browsers and in Node 24+ (WebCrypto + noble + fetch).
 * Layout: crypto/ (formats and keys), model/ (plaintext document), contract.ts (wire shapes),
 * api/ (typed HTTP client, generated OpenAPI types), vault/ (the account flows on top of both);
 * cli/ (the `mindvault` command, Node only) builds on these.
 */
export type * from './contract.js';

export {
  CryptoUnavailableError,
  DecryptionError,
  type DecryptionFailure,
  DocumentFormatError,
  InvalidInputError,
  KdfPolicyError,
  MindvaultCryptoError,
} from './crypto/errors.js';

export { fromBase64, fromBase64Url, toBase64, toBase64Url } from './crypto/base64.js';

export { ctx, uuidBytes, uuidFromBytes } from './crypto/context.js';

export {
  type AccountKeys,
  type AccountAddress,
  accountAddresses,
  argon2idRaw,
  AUTH_KEY_INFO,
  checkKdfParams,
  DEFAULT_KDF_COST,
  DEFAULT_KDF_POLICY,
  deriveAccountKeys,
  deriveKdfSalt,
  deriveMasterKey,
  type DeriveInput,
  type DeriveOptions,
  type EmailForm,
  INSECURE_TEST_KDF_POLICY,
  type KdfCost,
  type KdfFormat,
  type KdfPolicy,
  KEY_ENCRYPTION_KEY_INFO,
  newKdfParams,
  normalizeEmail,
  preNormalisationEmail,
  splitMasterKey,
} from './crypto/kdf.js';

export {
  type AccountKeyPairs,
  buildKeyBundle,
  type BundleContext,
  type BundleFormat,
  deriveAccountMacKey,
  generateKeyPairs,
  keyPairsFromSecrets,
  MLKEM768_CIPHERTEXT_BYTES,
  MLKEM768_PUBLIC_KEY_BYTES,
  MLKEM768_SEED_BYTES,
  openPrivateKey,
  type PrivateKeyKind,
  sealPrivateKey,
  sealPrivateKeys,
  unlockKeyBundle,
  type UnlockedBundle,
  X25519_KEY_BYTES,
} from './crypto/key-bundle.js';

export {
  combineSharedSecrets,
  type CombinerInput,
  decodeEnvelope,
  DEK_BYTES,
  type EnvelopeContext,
  envelopeFormat,
  generateDek,
  HYBRID_COMBINER_INFO,
  LEGACY_WRAPPED_DEK_BYTES,
  publicKeysOf,
  type RecipientPublicKeys,
  unwrapOwnerDek,
  type UnwrappedDek,
  wrapOwnerDek,
  WRAPPED_DEK_BYTES,
} from './crypto/hybrid-kem.js';
export { PRIVATE_KEY_BLOB_MAX_BYTES, WRAPPED_DEK_MAX_BYTES, WRAPPED_DEK_MIN_BYTES } from './contract.js';

export {
  CONTENT_MAGIC,
  type ContentHeader,
  decryptDocument,
  decryptTitle,
  deriveContentKey,
  deriveTitleKey,
  DOCUMENT_PURPOSE,
  encryptDocument,
  encryptTitle,
  type MapContext,
  type OpenedDocument,
  type OpenedTitle,
  readContentHeader,
  type SealedDocument,
  TITLE_PURPOSE,
} from './crypto/content-cipher.js';

export {
  buildShareUrl,
  createLinkShare,
  deriveShareKek,
  LINK_KEY_BYTES,
  type LinkShare,
  openLinkShare,
  parseShareUrl,
  type ShareKeys,
} from './crypto/share-link.js';

export {
  decryptVersionLabel,
  deriveLabelKey,
  encryptVersionLabel,
  LABEL_KEY_LABEL,
  LABEL_MAX_BYTES,
  LABEL_PURPOSE,
  type VersionContext,
} from './crypto/version-label.js';

export {
  changePassword,
  type ChangePasswordInput,
  createAccount,
  deriveLoginKeys,
  type LoginKeys,
  type NewAccount,
  type NewKdfOptions,
  type PasswordChange,
  type PasswordChangeMaterial,
} from './crypto/account.js';

export {
  createRecoveryKey,
  deriveRecoveryKeys,
  generateRecoveryKey,
  type NewRecoveryKey,
  openRecoveryKeyMaterial,
  RECOVERY_AUTH_KEY_INFO,
  RECOVERY_KEY_BYTES,
  RECOVERY_KEY_WORDS,
  RECOVERY_WRAP_KEY_INFO,
  recoveryKeyFromWords,
  recoveryKeyToWords,
  type RecoveryRequest,
  type RecoveryWrapping,
  resealForRecovery,
} from './crypto/recovery-key.js';

export { type RotatedEnvelope, type RotatedMap, type Rotation, type RotationInput, type RotationMapInput, rotateAccountKeys } from './crypto/key-rotation.js';

export { documentToJson, documentToMarkdown, documentToOpml, escapeXml, oneLine } from './model/document-text.js';

export {
  createDocument,
  MAX_DOCUMENT_DEPTH,
  type MindMapDocument,
  type MindMapNode,
  parseDocument,
} from './model/mind-map-document.js';
export { type CrossLink, isSafeLink, type NodeDetails, type NodeStyle, type Summary } from './model/node-details.js';

export { type MergeField, type MergeResult, mergeDocuments, type NodeConflict, sameDocument } from './model/merge-documents.js';
export { type ConflictSide, resolveConflicts } from './model/resolve-conflicts.js';

export type { components, paths } from './api/openapi.js';
export type {
  ErrorBody,
  JsonBody,
  JsonResponse,
  MindMapDetail,
  MindMapPage,
  MindMapSummary,
  SavedVersion,
  Schemas,
  TokenPair,
  VersionSnapshot,
} from './api/schema.js';
export { ApiError, NetworkError, SessionExpiredError } from './api/api-error.js';
export { type Fetch, HttpClient, type HttpClientOptions, type ProgressCallback, readBytes } from './api/http-client.js';
export { MemoryTokenStore, type TokenStore } from './api/token-store.js';
export { MindvaultApi } from './api/mindvault-api.js';
export { AuthApi } from './api/auth-api.js';
export { type Download, type DownloadOptions, MindMapsApi, type UploadOptions } from './api/mindmaps-api.js';
export { SharesApi, type ShareSummary } from './api/shares-api.js';
export { type AccountEvent, EventsApi, type StreamState, type Watch, type WatchOptions } from './api/events-api.js';
export { PublicApi, type PublicShare } from './api/public-api.js';

export {
  type CheckedMap,
  type CreatedShare,
  type Credentials,
  type HistoryEntry,
  type MapDraft,
  type MapInfo,
  type PulledMap,
  type ShareOptions,
  type SecondStep,
  Vault,
  type VaultOptions,
} from './vault/vault.js';
export { accountArchive, ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, type ArchiveOptions, safeFileName } from './vault/account-archive.js';
export { accountBackup, BACKUP_FORMAT, BACKUP_FORMAT_VERSION, type BackupHeader, type BackupProgress, type BackupSecret, restoreBackup } from './vault/account-backup.js';
export { MergeConflictError, RollbackError, type RolledBackItem, TamperingError, type TamperedItem, WrongPasswordError } from './vault/errors.js';
export { type AccountState, DeviceState, type DeviceStateStore, type MapState, MemoryDeviceStateStore } from './vault/device-state.js';
export { type OpenedShare, openShareLink, type OpenShareOptions, shareLinkApiBase } from './vault/share-links.js';
