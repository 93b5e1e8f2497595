import { UsageError } from '../errors.ts';

const UNIT_SECONDS = { h: 3600, m: 60, s: 1 } as const;

/**
 * Parses a duration the way kubectl and cilium accept it: plain seconds
 * (`300`), or Go-style units (`90s`, `5m`, `1h30m`). Returns whole seconds.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return positive(Number(trimmed), text);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (!match || trimmed === '') {
    throw new UsageError(`invalid duration "${text}": use seconds (300) or units (90s, 5m, 1h30m)`);
  }
  const [, h, m, s] = match;
  const seconds = Number(h ?? 0) * UNIT_SECONDS.h + Number(m ?? 0) * UNIT_SECONDS.m + Number(s ?? 0) * UNIT_SECONDS.s;
  return positive(seconds, text);
}

function positive(seconds: number, text: string): number {
  if (seconds <= 0) throw new UsageError(`invalid duration "${text}": must be greater than zero`);
  return seconds;
}
