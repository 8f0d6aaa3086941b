/** Throws in expression position: `(await find()) ?? raise(new MapNotFound())`. */
export function raise(error: Error): never {
  throw error;
}
