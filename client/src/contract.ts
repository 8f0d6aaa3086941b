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
  /** Private-key blob (see key-bundle.ts), 62 bytes. */
  classicalPrivEncrypted: Base64;
  /** Private-key blob (see key-bundle.ts), 94 bytes. */
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
  /** 40..64 bytes; this client always writes 60. */
  wrappedDek: Base64;
}

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

export interface MapEnvelope {
  id: string;
  envelope: Envelope;
}

/** Body of PUT /api/auth/keys. */
export interface RotateKeysRequest {
  keys: KeyBundleInput;
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
}
