#!/usr/bin/env node
/**
 * The `mindvault` bin. In a checkout of the repository (src/ present) it first rebuilds dist/ when
 * any source file is newer than the build, so `npx mindvault` never runs stale code and needs no
 * separate build step; an installed package (dist/ only) runs as is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'dist', 'cli', 'main.js');
/** Touched after each build: tsc rewrites only what the CLI reaches, so dist's own times mislead. */
const stamp = join(root, 'dist', 'cli', '.built');

function newestMtime(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    newest = Math.max(newest, item.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const sources = join(root, 'src');
if (existsSync(sources)) {
  const builtAt = existsSync(entry) && existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const configs = ['tsconfig.json', 'tsconfig.cli.json'].map((f) => statSync(join(root, f)).mtimeMs);
  if (Math.max(newestMtime(sources), ...configs) > builtAt) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.cli.json')], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (build.status !== 0) {
      process.stderr.write(`mindvault: building the CLI failed:\n${build.stdout}${build.stderr}`);
      process.exit(1);
    }
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
  }
}

await import(pathToFileURL(entry).href);
