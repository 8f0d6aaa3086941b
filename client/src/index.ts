/**
 * Mindvault client SDK. Everything here runs in browsers and in Node 20+ (WebCrypto + noble + fetch).
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

export {
  type AccountKeys,
  AUTH_KEY_INFO,
  checkKdfParams,
  DEFAULT_KDF_COST,
  DEFAULT_KDF_POLICY,
  deriveAccountKeys,
  deriveMasterKey,
  type DeriveOptions,
  INSECURE_TEST_KDF_POLICY,
  type KdfCost,
  type KdfPolicy,
  KEY_ENCRYPTION_KEY_INFO,
  newKdfParams,
  splitMasterKey,
} from './crypto/kdf.js';

export {
  type AccountKeyPairs,
  buildKeyBundle,
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
  X25519_KEY_BYTES,
} from './crypto/key-bundle.js';

export {
  combineSharedSecrets,
  type CombinerInput,
  DEK_BYTES,
  generateDek,
  HYBRID_COMBINER_INFO,
  publicKeysOf,
  type RecipientPublicKeys,
  unwrapDek,
  wrapDek,
  WRAPPED_DEK_BYTES,
} from './crypto/hybrid-kem.js';

export {
  CONTENT_MAGIC,
  decryptDocument,
  decryptTitle,
  DOCUMENT_PURPOSE,
  encryptDocument,
  encryptTitle,
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
} from './crypto/share-link.js';

export {
  changePassword,
  type ChangePasswordInput,
  createAccount,
  deriveLoginKeys,
  type LoginKeys,
  type NewAccount,
  type NewKdfOptions,
  type PasswordChange,
} from './crypto/account.js';

export { type Rotation, type RotationInput, type RotatingMap, rotateAccountKeys } from './crypto/key-rotation.js';

export {
  createDocument,
  MAX_DOCUMENT_DEPTH,
  type MindMapDocument,
  type MindMapNode,
  parseDocument,
} from './model/mind-map-document.js';

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
export { PublicApi, type PublicShare } from './api/public-api.js';

export {
  type CreatedShare,
  type Credentials,
  type HistoryEntry,
  type MapInfo,
  type PulledMap,
  type ShareOptions,
  Vault,
  type VaultOptions,
} from './vault/vault.js';
export { WrongPasswordError } from './vault/errors.js';
export { type OpenedShare, openShareLink, type OpenShareOptions, shareLinkApiBase } from './vault/share-links.js';
