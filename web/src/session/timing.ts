/**
 * Named spans on the browser's performance timeline (`mindvault:<name>`), visible in the dev
 * tools and read by the bench to split "unlock → editable map" into its steps.
 */
export async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    performance.measure(`mindvault:${name}`, { start });
  }
}

export function timedSync<T>(name: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    performance.measure(`mindvault:${name}`, { start });
  }
}
