/** A port whose methods all return promises: only such a port can wait for its adapter to load. */
type AsyncPort<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * A port whose adapter is built on its first call (its module, with the SDK client it bundles,
 * loads then): each method waits for the adapter, then calls it. Keeps module loading off the way
 * to the CDK app's start; the first read loads it while the app runs.
 */
export function lazyPort<T extends AsyncPort<T>>(build: () => Promise<T>): T {
  let built: Promise<T> | undefined;
  const adapter = () => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, {
    get(_target, key) {
      // Not a thenable, and nothing for inspection or coercion: only the port's own methods.
      if (typeof key !== 'string' || key === 'then') return undefined;
      return async (...args: unknown[]) => {
        const port = await adapter();
        const method = port[key as keyof T] as unknown as (...parameters: unknown[]) => Promise<unknown>;
        return method.apply(port, args);
      };
    },
  });
}
