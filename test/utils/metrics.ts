/** One scrape of a metrics listener, parsed from the Prometheus text format. */
export interface Scrape {
  text: string;
  /** The sample of `name` whose labels are exactly `labels`; undefined when there is none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

/** GETs `${metricsUrl}/metrics` (with the token, if given) and parses it; fails on any other status. */
export async function scrape(metricsUrl: string, token?: string): Promise<Scrape> {
  const res = await fetch(`${metricsUrl}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await res.text();
  if (res.status !== 200) throw new Error(`scrape answered ${res.status}: ${text}`);
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparseable metrics line: ${line}`);
    samples.set(key(match[1], parseLabels(match[2] ?? '')), Number(match[3]));
  }
  return { text, value: (name, labels = {}) => samples.get(key(name, labels)) };
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [, name, value] of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[name] = value.replace(/\\(.)/g, '$1');
  return labels;
}

function key(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',')}}`;
}
