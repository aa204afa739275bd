/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core
 * (which downloads no browser), with the flags common.md lists and a fresh profile (playwright
 * makes a new temporary one per launch and removes it on close). Where it is
 * missing the tests skip, saying so (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (apt-get install chromium; .ci/run does)`;
}

export interface Chromium {
  browser: Browser;
  close(): Promise<void>;
}

/** With `webgpu`, pages get WebGPU on SwiftShader (a Vulkan driver on the CPU, which chromium
 *  ships): correct, not fast. Otherwise the GPU is off. */
export async function launchChromium(options: { webgpu?: boolean } = {}): Promise<Chromium> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      ...(options.webgpu ? ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'] : ['--disable-gpu']),
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}
