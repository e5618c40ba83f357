import type { TestProject } from 'vitest/node';
import { spawnMoto } from './moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

/**
 * One moto_server for the whole local run, shared via inject('motoEndpoint'). It is not awaited here: its
 * start-up overlaps the tests that do not need it, and those that do call waitForMoto first.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await spawnMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
