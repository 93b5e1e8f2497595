import type { TestProject } from 'vitest/node';
import { localProvider } from '../../helpers/providers/local.ts';
import { loadSettings } from '../../helpers/config/load.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testbedKubeconfig: string;
  }
}

/** The e2e tests drive the CLI against the embedded testbed: bring it up once (a no-op when it is up). */
export default async function setup(project: TestProject): Promise<void> {
  const handle = await localProvider.ensureCluster(loadSettings({}));
  project.provide('testbedKubeconfig', handle.kubeconfig);
}
