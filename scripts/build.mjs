#!/usr/bin/env node
// Builds the parts whose sources changed since their last build, and nothing else:
//   node scripts/build.mjs [server] [web] [--force]
// (no part named: both). `npm install` runs it (root `prepare`), so a fresh clone is built once at
// install; `npm start`, `start:worker` and `cli` run it first and go straight on when nothing
// changed, without starting a compiler. A part is stale when any file or folder under its inputs
// is newer than the stamp its last successful build left, or its output is gone; a part whose sources are absent (a
// Docker layer that installs before copying them) is skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

const PARTS = {
  server: {
    source: 'src',
    inputs: ['src', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json'],
    output: 'dist/src/main.js',
    stamp: 'dist/.build-stamps/server',
    command: [bin('tsc'), ['-p', 'tsconfig.build.json']],
  },
  web: {
    source: 'web/src',
    // The web app bundles the SDK from its sources.
    inputs: ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/tsconfig.json', 'web/package.json', 'client/src'],
    output: 'web/dist/index.html',
    // Beside the server's, not in web/dist: the API serves that folder.
    stamp: 'dist/.build-stamps/web',
    command: [bin('vite'), ['build', '--logLevel', 'warn'], 'web'],
  },
};

const args = process.argv.slice(2);
const force = args.includes('--force');
const named = args.filter((a) => !a.startsWith('--'));
for (const name of named) if (!(name in PARTS)) fail(`unknown part ${name}; parts: ${Object.keys(PARTS).join(', ')}`);

for (const name of named.length > 0 ? named : Object.keys(PARTS)) {
  const part = PARTS[name];
  if (!existsSync(join(root, part.source))) continue;
  if (!force && !isStale(part)) continue;
  const [command, commandArgs, cwd = '.'] = part.command;
  const started = Date.now();
  const result = spawnSync(command, commandArgs, { cwd: join(root, cwd), stdio: 'inherit' });
  if (result.status !== 0) fail(`building ${name} failed`);
  const stamp = join(root, part.stamp);
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  console.error(`built ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function isStale(part) {
  const stamp = join(root, part.stamp);
  if (!existsSync(stamp) || !existsSync(join(root, part.output))) return true;
  const builtAt = statSync(stamp).mtimeMs;
  return part.inputs.some((input) => newerThan(join(root, input), builtAt));
}

/** True when the path, or anything under it (folders too: a deleted or renamed file changes its folder), is newer. */
function newerThan(path, time) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return false;
  }
  if (stats.mtimeMs > time) return true;
  if (!stats.isDirectory()) return false;
  return readdirSync(path).some((entry) => newerThan(join(path, entry), time));
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
