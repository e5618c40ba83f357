import { describe, expect, it } from 'vitest';
import { lazyPort } from '../../src/adapters/lazy-port.js';

interface Port {
  read(name: string): Promise<string>;
}

describe('lazyPort', () => {
  it('builds the adapter on the first call only, once, and forwards the calls to it', async () => {
    let builds = 0;
    const port = lazyPort<Port>(async () => {
      builds++;
      return { read: async (name: string) => `read ${name}` };
    });
    expect(builds).toBe(0);
    expect(await Promise.all([port.read('a'), port.read('b')])).toEqual(['read a', 'read b']);
    expect(builds).toBe(1);
  });

  it('is not a thenable, so it can be returned from an async function', async () => {
    const port = lazyPort<Port>(async () => ({ read: async () => 'x' }));
    const same = await (async () => port)();
    expect(await same.read('a')).toBe('x');
  });
});
