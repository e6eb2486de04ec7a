// The shape every benchmark section returns, and the table printer.
// A figure carries its target (when the issue sets one) so the printout shows
// both side by side and says whether the target was met.

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** e.g. '< 50 ms' or '>= 2x'; omitted when there is no target. */
  readonly target?: string;
  /** Whether the target was met; omitted when there is no target. */
  readonly met?: boolean;
}

export interface Section {
  readonly title: string;
  readonly figures: readonly Figure[];
  /** Anything worth keeping in results.json beyond the figures (settings, notes, raw numbers). */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly notes?: readonly string[];
}

export function figure(name: string, value: number, unit: string, target?: { text: string; met: boolean }): Figure {
  return target === undefined ? { name, value, unit } : { name, value, unit, target: target.text, met: target.met };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function summarise(samples: readonly number[]): { p50: number; p99: number; max: number; count: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN, count: sorted.length };
}

const round = (value: number): string =>
  !Number.isFinite(value) ? String(value) : Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toFixed(3);

export function formatSection(section: Section): string {
  const rows = section.figures.map((f) => [f.name, `${round(f.value)} ${f.unit}`, f.target ?? '', f.met === undefined ? '' : f.met ? 'met' : 'MISSED']);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0), 4));
  const line = (row: readonly string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [`## ${section.title}`, line(['figure', 'value', 'target', '']), ...rows.map(line), ...(section.notes ?? []).map((note) => `  note: ${note}`)].join('\n');
}
