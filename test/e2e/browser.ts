import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium, headless, driven by playwright-core (no browser
 * download). Flags for this machine: no sandbox (root), no GPU, and nothing
 * that talks to the network on its own; a fresh profile each time. Every
 * request other than the file itself is aborted and recorded, so a report
 * that tried to load anything fails its test without a packet leaving.
 */
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface OpenedPage {
  page: Page;
  /** Console messages of type error, and uncaught page errors. */
  errors: string[];
  /** Requests that failed (an aborted foreign request included). */
  failedRequests: string[];
  /** Every URL the page asked for. */
  requests: string[];
  close(): Promise<void>;
}

export async function openFile(file: string): Promise<OpenedPage> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (scripts/setup does)`);
  const profile = mkdtempSync(join(tmpdir(), 'mc-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } });
    const own = pathToFileURL(file).href;
    const errors: string[] = [];
    const failedRequests: string[] = [];
    const requests: string[] = [];
    await context.route('**/*', (route) => (route.request().url() === own ? route.continue() : route.abort()));
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? 'failed'}`));
    const response = await page.goto(own, { waitUntil: 'load' });
    if (!response?.ok()) throw new Error(`${own}: not loaded (${response?.status() ?? 'no response'})`);
    const ctx = context;
    return {
      page,
      errors,
      failedRequests,
      requests,
      close: async () => {
        await ctx.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}
