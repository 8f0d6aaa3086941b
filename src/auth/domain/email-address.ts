import unhomoglyph from 'unhomoglyph';

/**
 * Emails as the server keys accounts by them, the same rule as the client's KDF salt input
 * (docs/crypto.md §3, client/src/crypto/kdf.ts): leading and trailing ASCII whitespace
 * (U+0009–U+000D, U+0020) removed, then NFKC, Unicode lowercase, NFKC again. Full-width letters
 * and other compatibility forms become the address they imitate; case never makes two accounts.
 */
export function normaliseEmail(raw: string): string {
  return raw.replace(ASCII_SPACE_EDGES, '').normalize('NFKC').toLowerCase().normalize('NFKC');
}

const ASCII_SPACE_EDGES = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g;

/**
 * The keys an address names an account by, in order: the address lower-cased as sent, which is how
 * an account registered before normalisation was stored (and what the clients of that time send),
 * then its normal form. For every address in normal form, and for every ASCII one, the two are the
 * same key. Taking the exact key first keeps such an older account reachable by its own address
 * even when a newer account holds its normal form (docs/api.md, "Accounts registered before
 * normalisation"): the two are never merged.
 */
export function emailLookupKeys(raw: string): string[] {
  return [...new Set([raw.toLowerCase(), normaliseEmail(raw)])];
}

/**
 * Code points no address needs and that hide or fake others: controls, format characters (zero
 * width spaces and joiners, bidi controls, U+FEFF), every kind of space, private use, unassigned,
 * surrogates, and the default-ignorables (rendered as nothing).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\p{Co}\p{Cn}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;

/** RFC 5322 atext and dots, plus letters, marks and digits of any script (RFC 6531); no quoted strings. */
const LOCAL_PART = /^[\p{L}\p{M}\p{N}!#$%&'*+\-/=?^_`{|}~]+(?:\.[\p{L}\p{M}\p{N}!#$%&'*+\-/=?^_`{|}~]+)*$/u;
/** Letters, marks and digits of any script, and inner hyphens (an IDN U-label or an ASCII one). */
const DOMAIN_LABEL = /^[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?$/u;

/**
 * Scripts a letter is checked against (by Script_Extensions). A letter of none of them counts as
 * a script of its own, so it never mixes unnoticed.
 */
const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Nko', 'Devanagari', 'Bengali',
  'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan',
  'Myanmar', 'Georgian', 'Hangul', 'Ethiopic', 'Cherokee', 'Canadian_Aboriginal', 'Ogham', 'Runic', 'Khmer',
  'Mongolian', 'Hiragana', 'Katakana', 'Bopomofo', 'Han', 'Yi', 'Tifinagh', 'Vai', 'Javanese', 'Balinese', 'Sundanese',
].map((name) => ({ name, pattern: new RegExp(`^\\p{Script_Extensions=${name}}$`, 'u') }));

/** UTS #39's script sets that one writing system uses together: Japanese, Korean, Chinese with Bopomofo. */
const SCRIPT_FAMILIES = [new Set(['Han', 'Hiragana', 'Katakana']), new Set(['Han', 'Hangul']), new Set(['Han', 'Bopomofo'])];

/**
 * Why a normalised email must not name a new account, or undefined when it may. Refused: invisible
 * or format characters, quoted or otherwise unusual local parts, a part (local part or domain
 * label) whose letters come from more than one script (beyond Latin with one of the CJK families,
 * as UTS #39's highly restrictive level allows), and a non-ASCII part whose UTS #39 confusable
 * skeleton is plain ASCII: a whole-script lookalike of an ASCII address ("раураl", Cyrillic).
 */
export function emailRefusal(email: string): string | undefined {
  if (INVISIBLE.test(email)) return 'the email holds invisible, space or format characters';
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (at < 1 || !LOCAL_PART.test(local)) return 'the part before @ may hold letters, digits, dots and !#$%&\'*+-/=?^_`{|}~ only';
  const labels = domain.split('.');
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return 'the domain is not a host name';
  for (const part of [local, ...labels]) {
    if (mixesScripts(part)) return 'the email mixes letters of different scripts in one part';
    if (/[^\x00-\x7f]/.test(part) && /^[\x00-\x7f]*$/.test(unhomoglyph(part.normalize('NFD')))) {
      return 'the email imitates another address with lookalike letters';
    }
  }
  return undefined;
}

/** True when the letters of `part` cannot all be read as one script (or one allowed family). */
function mixesScripts(part: string): boolean {
  const seen = new Set<string>();
  for (const char of part) {
    if (!/\p{L}/u.test(char)) continue;
    const scripts = SCRIPTS.filter((s) => s.pattern.test(char)).map((s) => s.name);
    // Script_Extensions names several scripts for shared letters: one of them is enough.
    if (scripts.length === 0) seen.add(`unknown:${char}`);
    else if (!scripts.some((s) => seen.has(s))) seen.add(scripts[0]);
  }
  const scripts = [...seen].filter((s) => s !== 'Latin');
  if (scripts.length <= 1) return false;
  return !SCRIPT_FAMILIES.some((family) => scripts.every((s) => family.has(s)));
}
