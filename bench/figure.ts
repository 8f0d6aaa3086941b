/** One line of the bench's table and of bench/results/latest.json. */
export interface Figure {
  name: string;
  goal: string;
  ratio: number;
  pass: boolean | null;
  raw: Record<string, unknown>;
  /** The figure's own numbers in a line, for the README's table (made from `raw`, never typed in). */
  summary?: string;
  note?: string;
  /** Why nothing was measured (a section whose peer or tool is not on this machine); `ratio` is then NaN. */
  skipped?: string;
}
