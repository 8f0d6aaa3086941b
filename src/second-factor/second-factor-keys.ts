import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

const SEAL_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The server's keys for second factors, both derived (HKDF-SHA256) from SECOND_FACTOR_SECRET:
 * one seals TOTP secrets at rest (AES-256-GCM, the user id as associated data, so a sealed secret
 * copied onto another user's row does not open), the other keys the backup-code hashes
 * (HMAC-SHA256), so a stolen table can neither be read nor brute-forced offline.
 */
@Injectable()
export class SecondFactorKeys {
  private readonly sealKey: Buffer;
  private readonly codeKey: Buffer;

  constructor(config: AppConfig) {
    const root = Buffer.from(config.auth.secondFactorSecret, 'utf8');
    this.sealKey = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'mindvault second factor: totp seal v1', 32));
    this.codeKey = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'mindvault second factor: backup codes v1', 32));
  }

  /** version (1 byte) ‖ nonce (12) ‖ ciphertext ‖ tag (16). */
  seal(userId: string, secret: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, nonce);
    cipher.setAAD(Buffer.from(userId, 'utf8'));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([SEAL_VERSION]), nonce, body, cipher.getAuthTag()]);
  }

  /** Throws when the sealed bytes were not made by `seal` for this user with this key. */
  open(userId: string, sealed: Buffer): string {
    if (sealed[0] !== SEAL_VERSION || sealed.length < 1 + NONCE_BYTES + TAG_BYTES) throw new Error('not a sealed TOTP secret');
    const decipher = createDecipheriv('aes-256-gcm', this.sealKey, sealed.subarray(1, 1 + NONCE_BYTES));
    decipher.setAAD(Buffer.from(userId, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** The stored form of a normalised backup code of `userId`. */
  codeHash(userId: string, normalizedCode: string): Buffer {
    return createHmac('sha256', this.codeKey).update(`${userId}:${normalizedCode}`).digest();
  }
}
