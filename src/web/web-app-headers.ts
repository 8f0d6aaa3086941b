/**
 * Headers of the browser app's pages and files. The CSP admits only this origin's own scripts,
 * styles and connections: the page handles the password and the decrypted maps, so nothing from
 * elsewhere may run, load, be framed around it or receive data. `'wasm-unsafe-eval'` lets the SDK
 * compile its Argon2id WebAssembly and nothing else; `data:`/`blob:` images are the map's own
 * PNG/SVG export, drawn from the page itself.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite names every file under assets/ by its content hash: a changed file is a new URL. */
export const HASHED_ASSET_CACHE = 'public, max-age=31536000, immutable';
/** index.html (and unhashed files beside it) must be revalidated, so a deploy is seen at once. */
export const REVALIDATE_CACHE = 'no-cache';
