import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../helpers/config/duration.ts';
import { UsageError } from '../../helpers/errors.ts';

describe('parseDuration', () => {
  it.each([
    ['300', 300],
    ['90s', 90],
    ['5m', 300],
    ['1h', 3600],
    ['1h30m', 5400],
    ['2m5s', 125],
    [' 45s ', 45],
  ])('%j is %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', 's', '5x', '1.5m', '-3', '0', '0s', '5m1h', 'five'])('rejects %j with a UsageError naming it', (text) => {
    expect(() => parseDuration(text)).toThrow(UsageError);
    expect(() => parseDuration(text)).toThrow(`"${text}"`);
  });
});
