import type { AccessChange, AuthState, KdfParams, KeyBundle, User } from '../domain/user';

/**
 * Users and their key material. Emails are stored lower-cased; `create` rejects a taken email
 * with EmailTaken. Methods join the caller's UnitOfWork transaction when there is one.
 */
export abstract class UserRepository {
  abstract create(user: User): Promise<void>;
  abstract findById(id: string): Promise<User | undefined>;
  abstract findByEmail(email: string): Promise<User | undefined>;
  /** The account of the first of `emails` that names one (see emailLookupKeys). */
  abstract findByAnyEmail(emails: readonly string[]): Promise<User | undefined>;
  /** Id and email of every account whose email holds a code point outside printable ASCII. */
  abstract listNonAsciiEmails(): Promise<{ id: string; email: string }[]>;
  /** Keeps the normal form of accounts whose stored email is not in normal form (idempotent). */
  abstract recordLegacyNormalForms(accounts: readonly { id: string; normal: string }[]): Promise<void>;
  /** True when an account registered before normalisation has `normal` as its email's normal form. */
  abstract isLegacyNormalForm(normal: string): Promise<boolean>;
  abstract findAuthState(id: string): Promise<AuthState | undefined>;
  abstract anyAdmin(): Promise<boolean>;
  /** Moves the token version on, so access tokens signed before stop working. */
  abstract bumpTokenVersion(id: string): Promise<void>;
  abstract replaceKeys(id: string, keys: KeyBundle, keyVersion: number): Promise<void>;
  /** Changes what the access guard checks on every request; other fields stay. */
  abstract updateAccess(id: string, access: AccessChange): Promise<void>;
  /** Deletes the user; every row that names it goes with it (ON DELETE CASCADE). */
  abstract delete(id: string): Promise<void>;
  abstract replacePassword(
    id: string,
    change: { authKeyHash: string; kdf: KdfParams; classicalPrivEncrypted: Buffer; pqPrivEncrypted: Buffer },
  ): Promise<void>;
}
