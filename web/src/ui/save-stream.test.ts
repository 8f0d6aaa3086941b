import { describe, expect, it } from 'vitest';
import { FoldingBlob } from './save-stream';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('the download fallback folds pieces into its Blob', () => {
  it('holds pieces in the heap only until they reach the fold size, then holds none', () => {
    const blob = new FoldingBlob('application/zip', 10);
    blob.add(bytes(1, 2, 3, 4));
    expect(blob.held).toBe(4);
    blob.add(bytes(5, 6, 7, 8, 9));
    expect(blob.held).toBe(9);
    blob.add(bytes(10));
    expect(blob.held).toBe(0);
    blob.add(bytes(11, 12));
    expect(blob.held).toBe(2);
  });

  it('folds a piece larger than the fold size at once', () => {
    const blob = new FoldingBlob('application/zip', 10);
    blob.add(new Uint8Array(25));
    expect(blob.held).toBe(0);
  });

  it('counts text by its length', () => {
    const blob = new FoldingBlob('application/x-ndjson', 10);
    blob.add('{"a":1}\n');
    expect(blob.held).toBe(8);
    blob.add('{"b":2}\n');
    expect(blob.held).toBe(0);
  });

  it('ends with every piece in order, folded or pending, under its type', async () => {
    const blob = new FoldingBlob('application/x-ndjson', 10);
    const pieces = ['header\n', 'a line longer than ten\n', 'x', 'y\n', 'end\n'];
    for (const piece of pieces) blob.add(piece);
    const file = blob.finish();
    expect(blob.held).toBe(0);
    expect(file.type).toBe('application/x-ndjson');
    expect(await file.text()).toBe(pieces.join(''));
  });

  it('keeps bytes exact across folds', async () => {
    const blob = new FoldingBlob('application/zip', 3);
    for (let n = 0; n < 20; n++) blob.add(bytes(n, 255 - n));
    const out = new Uint8Array(await blob.finish().arrayBuffer());
    expect(Array.from(out)).toEqual(Array.from({ length: 20 }, (_, n) => [n, 255 - n]).flat());
  });

  it('gives an empty file of its type when no piece came', async () => {
    const file = new FoldingBlob('application/zip').finish();
    expect(file.size).toBe(0);
    expect(file.type).toBe('application/zip');
  });
});
