#!/usr/bin/env node
/** Process entry of the `mindvault` bin; everything testable lives in run.ts. */
import { run } from './run.js';

const stderr = process.stderr;

const exitCode = await run(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => stderr.write(`${line}\n`),
  env: process.env,
  ...(stderr.isTTY ? { status: (line: string | null) => stderr.write(line === null ? '\n' : `\r\x1b[K${line}`) } : {}),
  ...(process.stdin.isTTY ? { promptSecret } : {}),
  readStdin,
});
process.exitCode = exitCode;

/** Reads one line from the terminal with echo off. */
function promptSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
