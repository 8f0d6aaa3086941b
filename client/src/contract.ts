/**
 * Wire shapes from the HTTP contract (shared/API.md), exactly as the server sends and expects
 * them. Binary values are standard base64 with padding. The crypto core produces and consumes
 * these shapes so that its output can be posted as is; the API client (src/api) will reuse them.
 */

/** Standard base64 (RFC 4648 §4) with padding. */
export type Base64 = string;

/** Argon2id parameters handed out by POST /api/auth/prelogin and sent back on register. */
export interface KdfParams {
  algorithm: 'argon2id';
  salt: Base64;
  /** Argon2 memory cost, in KiB. */
  memoryKiB: number;
  /** Argon2 time cost (passes over memory). */
  iterations: number;
  /** Argon2 lanes. */
  parallelism: number;
}

export interface KeyBundleInput {
  /** X25519 public key, 32 bytes. */
  classicalPublicKey: Base64;
  /** ML-KEM-768 encapsulation key, 1184 bytes. */
  pqPublicKey: Base64;
  /** Private-key blob (see key-bundle.ts): v1 is 62 bytes; the server takes 28..PRIVATE_KEY_BLOB_MAX_BYTES. */
  classicalPrivEncrypted: Base64;
  /** Private-key blob (see key-bundle.ts): v1 is 94 bytes; the server takes 28..PRIVATE_KEY_BLOB_MAX_BYTES. */
  pqPrivEncrypted: Base64;
}

export interface KeyBundleResponse extends KeyBundleInput {
  keyVersion: number;
}

/** How a map's data key is wrapped, for the owner's key pair or for a share link. */
export interface Envelope {
  /** 32 bytes. */
  ephClassicalPublic: Base64;
  /** 1088 bytes. */
  ephPqCiphertext: Base64;
  /** WRAPPED_DEK_MIN_BYTES..WRAPPED_DEK_MAX_BYTES; a v1 wrap is 60 bytes. */
  wrappedDek: Base64;
}

/** The server's bounds on a decoded wrappedDek (v1 and v2 formats); the client writes within them. */
export const WRAPPED_DEK_MIN_BYTES = 40;
export const WRAPPED_DEK_MAX_BYTES = 160;
/** The server's bound on a decoded private-key blob (v1 and v2 formats). */
export const PRIVATE_KEY_BLOB_MAX_BYTES = 256;

export interface RegisterRequest {
  email: string;
  authKey: Base64;
  kdf: KdfParams;
  keys: KeyBundleInput;
}

export interface LoginRequest {
  email: string;
  authKey: Base64;
}

/** A version envelope re-wrapped by a rotation, named by the wrappedDek it replaces. */
export interface VersionEnvelope {
  previousWrappedDek: Base64;
  envelope: Envelope;
}

/**
 * One map in a rotation: `envelope` replaces the map's envelope and every version envelope equal
 * to it; every other distinct version envelope needs an entry in `versionEnvelopes`.
 */
export interface MapEnvelope {
  id: string;
  envelope: Envelope;
  versionEnvelopes?: VersionEnvelope[];
}

/** Body of PUT /api/auth/keys. */
export interface RotateKeysRequest {
  /** Proof of the current password: a bearer token alone cannot rotate. */
  currentAuthKey: Base64;
  keys: KeyBundleInput;
  /** The current keyVersion + 1. */
  keyVersion: number;
  maps: MapEnvelope[];
}

/** Body of PUT /api/auth/password. */
export interface ChangePasswordRequest {
  currentAuthKey: Base64;
  newAuthKey: Base64;
  kdf: KdfParams;
  classicalPrivEncrypted: Base64;
  pqPrivEncrypted: Base64;
  /** The key version of the private keys re-sealed here: the account's current one. */
  keyVersion: number;
}
