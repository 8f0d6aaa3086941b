import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emailLookupKeys, emailRefusal, normaliseEmail } from './email-address';

/** The vectors the client's normalizeEmail is tested with too: both sides must agree. */
const shared = JSON.parse(readFileSync(resolve(__dirname, '../../../client/test/vectors/email.json'), 'utf8')) as {
  vectors: { input: string; normalized: string; accepted: boolean }[];
};

describe('email addresses', () => {
  it.each(shared.vectors.map((v) => [JSON.stringify(v.input), v] as const))('follows the shared vector %s', (_, v) => {
    expect(normaliseEmail(v.input)).toBe(v.normalized);
    expect(emailRefusal(v.normalized) === undefined).toBe(v.accepted);
  });

  it.each([
    ['Ada@Example.COM', 'ada@example.com'],
    [' \tada@example.com\r\n', 'ada@example.com'],
    ['ａｄａ@ｅｘａｍｐｌｅ.ｃｏｍ', 'ada@example.com'],
    ['ÀDA@example.com', 'àda@example.com'],
    ['A\u0300da@example.com', 'àda@example.com'],
    ['ﬁ@example.com', 'fi@example.com'],
  ])('normalises %j to %j (trim ASCII spaces, NFKC, lowercase)', (raw, normalised) => {
    expect(normaliseEmail(raw)).toBe(normalised);
    expect(normaliseEmail(normalised)).toBe(normalised);
  });

  it.each(['ada@example.com', 'jürgen@müller.de', 'ŝtefan.o\'brien+tag@example.com', '山田@例え.jp', 'やまだ太郎@example.jp', 'иван@пример.рф', 'σίσυφος@example.gr', 'ivan@пример.рф'])(
    'accepts %j',
    (email) => expect(emailRefusal(normaliseEmail(email))).toBeUndefined(),
  );

  it.each([
    ['a Cyrillic letter among Latin ones', 'p\u0430ypal@example.com'],
    ['a whole-script Cyrillic lookalike of an ASCII address', '\u0440\u0430\u0443\u0440\u0430l@example.com'],
    ['all-Cyrillic lookalike', '\u0430\u0441\u0435@example.com'],
    ['a zero-width space', 'ada\u200b@example.com'],
    ['a zero-width joiner', 'a\u200dda@example.com'],
    ['a byte order mark inside', 'a\ufeffda@example.com'],
    ['a right-to-left override', 'ada\u202e@example.com'],
    ['a no-break space', 'ada\u00a0x@example.com'],
    ['a quoted local part', '"ada"@example.com'],
    ['a quoted local part with a space', '"ada lovelace"@example.com'],
    ['a Greek omicron in a Latin domain', 'ada@ex\u03bfmple.com'],
    ['a soft hyphen', 'ada\u00ad@example.com'],
  ])('refuses %s', (_, email) => {
    expect(emailRefusal(normaliseEmail(email))).toEqual(expect.any(String));
  });
});

describe('lookup keys', () => {
  it('are one key for an address in normal form or any ASCII spelling', () => {
    expect(emailLookupKeys('ada@example.com')).toEqual(['ada@example.com']);
    expect(emailLookupKeys('Ada@Example.COM')).toEqual(['ada@example.com']);
  });

  it('put the address lower-cased as sent (how an older account was stored) before its normal form', () => {
    expect(emailLookupKeys('\uff21da@example.com')).toEqual(['\uff41da@example.com', 'ada@example.com']);
  });
});
