import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

// NOTE: the authKey is already a 256-bit KDF output; this hash only makes a stolen table useless,
// so OWASP's minimum argon2id cost is enough and keeps login cheap under load.
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** argon2id hashes of authKeys; verification is constant-time inside the library. */
@Injectable()
export class AuthKeyHasher {
  private dummy?: Promise<string>;

  hash(authKey: Buffer): Promise<string> {
    return hash(authKey, OPTIONS);
  }

  verify(stored: string, authKey: Buffer): Promise<boolean> {
    return verify(stored, authKey, OPTIONS).catch(() => false);
  }

  /** Spends the same time as a real verification, so unknown emails can't be told apart by timing. */
  async verifyNobody(authKey: Buffer): Promise<false> {
    this.dummy ??= hash(Buffer.alloc(32), OPTIONS);
    await this.verify(await this.dummy, authKey);
    return false;
  }
}
