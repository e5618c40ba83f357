import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A moto_server on loopback: the AWS stand-in the local suite talks to. */
export interface MotoServer {
  /** `http://localhost:PORT`, for the SDK's `endpoint`. */
  readonly endpoint: string;
  /** Client config for any SDK v3 client: endpoint, region, fake credentials, no retries. */
  readonly clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    maxAttempts: number;
  };
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Kills the server by PID and waits for it to exit. */
  stop(): Promise<void>;
}

/** The region the local suite pretends to be in. */
export const TEST_REGION = 'eu-west-2';

/** Starts moto_server on a free port and resolves once it answers. */
export async function startMoto(options: { timeoutMs?: number } = {}): Promise<MotoServer> {
  const moto = await spawnMoto();
  try {
    await waitForMoto(moto.endpoint, options.timeoutMs ?? 20_000, moto.exited);
  } catch (error) {
    await moto.stop();
    throw error;
  }
  return moto;
}

/**
 * Starts moto_server without waiting for it, so its start-up (1–3 s of Python imports) overlaps other
 * work; callers that need it call waitForMoto(endpoint) first.
 */
export async function spawnMoto(): Promise<MotoServer & { exited: () => boolean }> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const endpoint = `http://localhost:${port}`;
  return {
    endpoint,
    clientConfig: motoClientConfig(endpoint),
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop: () => kill(child),
    exited: () => exited,
  };
}

/** SDK v3 client config for a moto endpoint: fake credentials, fixed region, one attempt. */
export function motoClientConfig(endpoint: string): MotoServer['clientConfig'] {
  return {
    endpoint,
    region: TEST_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves once the moto_server at `endpoint` answers; rejects after `timeoutMs`. */
export async function waitForMoto(endpoint: string, timeoutMs = 20_000, exited = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('moto_server exited before answering; is it on PATH?');
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms; is it on PATH?`);
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
