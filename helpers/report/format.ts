/** Small text helpers shared by the summary, Markdown, HTML and compare output. */

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

/** The first non-empty line, trimmed. */
export function firstLine(text: string | undefined, fallback = ''): string {
  return (text ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? fallback;
}

/** At most `max` characters, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `2.7s → 3.1s (+15%)`, or one side when the other did not run. */
export function durationChange(before: number | undefined, after: number | undefined): string {
  if (before === undefined && after === undefined) return '';
  if (before === undefined) return `→ ${formatDuration(after!)}`;
  if (after === undefined) return `${formatDuration(before)} →`;
  const pct = before > 0 ? Math.round(((after - before) / before) * 100) : 0;
  return `${formatDuration(before)} → ${formatDuration(after)} (${pct >= 0 ? '+' : ''}${pct}%)`;
}
