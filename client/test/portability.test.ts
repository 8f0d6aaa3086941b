import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The crypto core must run in browsers: WebCrypto and noble only. tsconfig.json already compiles
// src/ without Node typings; this catches what types would not (e.g. a dynamic import string).
const cryptoDir = join(import.meta.dirname, '..', 'src', 'crypto');

describe('crypto core portability', () => {
  const files = readdirSync(cryptoDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

  it('has the expected modules', () => {
    expect(files).toEqual(expect.arrayContaining(['kdf.ts', 'key-bundle.ts', 'hybrid-kem.ts', 'content-cipher.ts', 'share-link.ts', 'base64.ts', 'errors.ts']));
  });

  it.each(files)('%s uses no Node-only API', (file) => {
    // Comments may mention Buffer and friends; only code counts.
    const source = readFileSync(join(cryptoDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(source).not.toMatch(/from ['"]node:|require\(|\bBuffer\b|\bprocess\.|from ['"](crypto|fs|path|buffer)['"]/);
  });
});
