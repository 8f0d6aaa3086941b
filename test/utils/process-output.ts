/**
 * Copies everything written to the process's stdout and stderr into `into`, still passing it
 * through: Nest's and pino's loggers write straight to those streams. Returns what puts them back.
 */
export function captureProcessOutput(into: string[]): () => void {
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  return () => {
    for (const undo of restore) undo();
  };
}
