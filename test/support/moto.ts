import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** A running moto_server on loopback. */
export interface Moto {
  /** http://localhost:PORT — TemplateURLs only resolve with localhost. */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Clears every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Stops the server by PID and waits until it is gone. */
  stop(): Promise<void>;
}

/** The region and fake credentials tests use against moto. */
export const MOTO_ENV = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'eu-west-2',
  AWS_DEFAULT_REGION: 'eu-west-2',
} as const;

/** The account moto reports for ambient credentials. */
export const MOTO_ACCOUNT = '123456789012';

/** True when moto_server is on PATH. */
export function motoInstalled(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts moto_server on 127.0.0.1 on a free port and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  if (!motoInstalled()) {
    throw new Error(
      'moto_server is not installed: pip install "moto[server]" (moto 5.2), then run the tests again',
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const endpoint = `http://localhost:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/moto-api/reset`, { method: 'POST' });
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      stopGroup(child);
      throw new Error(`moto_server did not answer on port ${port} within 30 s: ${stderr}`);
    }
    await delay(100);
  }
  const pid = child.pid as number;
  return {
    endpoint,
    port,
    pid,
    reset: async () => {
      const response = await fetch(`http://127.0.0.1:${port}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      stopGroup(child);
      await Promise.race([exited, delay(10_000)]);
    },
  };
}

function stopGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** True when a process with this PID exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
