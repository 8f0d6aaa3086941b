/** One line of the bench's table and of bench/results/latest.json. */
export interface Figure {
  name: string;
  goal: string;
  ratio: number;
  pass: boolean | null;
  raw: Record<string, unknown>;
  note?: string;
}
