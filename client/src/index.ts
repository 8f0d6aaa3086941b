/**
 * Mindvault client SDK. Everything here runs in browsers and in Node 20+ (WebCrypto + noble).
 * Layout: crypto/ (formats and keys), model/ (plaintext document), contract.ts (wire shapes);
 * api/ (HTTP client) and cli/ (the `mindvault` command) build on these.
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

export { type Rotation, type RotationInput, rotateAccountKeys } from './crypto/key-rotation.js';

export {
  createDocument,
  MAX_DOCUMENT_DEPTH,
  type MindMapDocument,
  type MindMapNode,
  parseDocument,
} from './model/mind-map-document.js';
