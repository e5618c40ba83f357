import type { TestProject } from 'vitest/node';
import { startMoto } from './moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

/** One moto_server for the whole local run (starting one costs ~1 s); test files share it via inject(). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
