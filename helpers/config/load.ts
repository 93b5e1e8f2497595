import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../errors.ts';
import { RunSettingsSchema, type RunSettings } from './settings.ts';

/** A partial settings object as written in a config file or built from flags. */
export type SettingsLayer = Record<string, unknown>;

export interface LoadSettingsOptions {
  /** YAML config file; its relative paths are relative to the file itself. */
  configFile?: string | undefined;
  /** Values given on the command line (only those actually given); they win over the file. */
  flags?: SettingsLayer;
  /** Directory relative paths on the command line are resolved against. */
  cwd?: string;
}

// Settings that name files; resolved to absolute paths because vitest runs
// from the repository root, not from where the user started the CLI.
const PATH_FIELDS: ReadonlyArray<readonly string[]> = [
  ['kubeconfig'],
  ['reportDir'],
  ['junitFile'],
  ['jsonFile'],
  ['knownFailures'],
  ['baseline'],
  ['multus', 'tanzu', 'valuesFile'],
];

// How a settings path is spelled on the command line, for error messages.
const FLAG_FOR_PATH: Record<string, string> = {
  timeoutSeconds: '--timeout',
  sweepWaitSeconds: '--sweep-wait',
  tests: '--test',
  'multus.install': '--multus-install',
  'network.nodeSelector': '--node-selector',
  'multus.daemonSet': '--multus-daemonset',
  'multus.tokenMargin': '--token-margin',
};

/**
 * Reads the config file (if any), lays the flags over it and validates the
 * result. Every problem is a UsageError of one line naming the file or flag
 * and the field.
 */
export function loadSettings(opts: LoadSettingsOptions = {}): RunSettings {
  const cwd = opts.cwd ?? process.cwd();
  const fileLayer = opts.configFile ? resolvePaths(readConfigFile(opts.configFile), dirname(resolve(cwd, opts.configFile))) : {};
  const flagLayer = resolvePaths(opts.flags ?? {}, cwd);
  const result = RunSettingsSchema.safeParse(mergeLayers(fileLayer, flagLayer));
  if (!result.success) {
    throw new UsageError(describeIssue(result.error.issues[0], flagLayer, opts.configFile));
  }
  const s = result.data;
  return {
    ...s,
    reportDir: resolve(cwd, s.reportDir),
    junitFile: resolve(cwd, s.junitFile),
    jsonFile: resolve(cwd, s.jsonFile),
  };
}

/** Parses a YAML config file into a mapping; anything else is a UsageError naming the file. */
export function readConfigFile(file: string): SettingsLayer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`config ${file}: ${code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? 'unknown error'})`}`);
  }
  let parsed: unknown;
  try {
    parsed = YAML.parse(text);
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    throw new UsageError(`config ${file}: invalid YAML: ${first}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlainObject(parsed)) throw new UsageError(`config ${file}: must be a mapping of settings (key: value)`);
  return parsed;
}

/** Deep merge of plain objects; `over` wins, arrays and scalars are replaced whole. */
export function mergeLayers(base: SettingsLayer, over: SettingsLayer): SettingsLayer {
  const out: SettingsLayer = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeLayers(prev, value) : value;
  }
  return out;
}

function resolvePaths(layer: SettingsLayer, baseDir: string): SettingsLayer {
  let out = layer;
  for (const path of PATH_FIELDS) {
    const value = getPath(out, path);
    if (typeof value === 'string' && value !== '') out = setPath(out, path, resolve(baseDir, value));
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue | undefined, flags: SettingsLayer, configFile: string | undefined): string {
  if (!issue) return 'invalid settings';
  let path = issue.path.map(String);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = [...path, issue.keys[0] ?? ''];
    message = 'unknown setting';
  }
  const dotted = path.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
  if (path.length > 0 && getPath(flags, path) !== undefined) {
    const flag = FLAG_FOR_PATH[path.filter((p) => !/^\d+$/.test(p)).join('.')] ?? `--${kebab(path.join('-'))}`;
    return `${flag}: ${message}`;
  }
  const where = dotted === '' ? '' : `${dotted}: `;
  return configFile ? `config ${configFile}: ${where}${message}` : `settings: ${where}${message}`;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isPlainObject(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

function setPath(obj: SettingsLayer, path: readonly string[], value: unknown): SettingsLayer {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  const child = obj[head];
  if (rest.length === 0) return { ...obj, [head]: value };
  return isPlainObject(child) ? { ...obj, [head]: setPath(child, rest, value) } : obj;
}

function isPlainObject(v: unknown): v is SettingsLayer {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
