import type { Deployment } from './deployment.js';
import { startLocalRestApi } from './local-rest-api.js';

/** Where the HTTP tests send requests, and what that covers. */
export interface ApiUnderTest {
  readonly baseUrl: string;
  readonly mode: 'aws' | 'emulator';
  close(): Promise<void>;
}

/**
 * On AWS: the deployed API Gateway URL. On an emulator (AWS_ENDPOINT_URL set): a local REST API serving the
 * deployed handler bundles, because moto runs no Lambda code and has no invoke URL. API Gateway itself
 * (routing, stage, proxy mapping) is NOT covered in that mode.
 */
export async function apiUnderTest(deployment: Deployment): Promise<ApiUnderTest> {
  if (deployment.emulatorEndpoint === undefined) {
    return { baseUrl: deployment.apiUrl.replace(/\/$/, ''), mode: 'aws', close: async () => {} };
  }
  const local = await startLocalRestApi(deployment);
  return { baseUrl: local.url, mode: 'emulator', close: () => local.close() };
}
