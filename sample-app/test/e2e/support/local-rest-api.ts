import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { APIGatewayClient, GetResourcesCommand } from '@aws-sdk/client-api-gateway';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { fetchDeployedBundle } from './deployed-bundle.js';
import type { Deployment } from './deployment.js';
import { type LambdaHostProcess, startLambdaHost } from './lambda-host-process.js';

/** One route of the deployed REST API: method, resource path template, integrated function. */
interface Route {
  readonly method: string;
  readonly resource: string;
  readonly functionName: string;
}

/** A local HTTP endpoint standing in for the deployed REST API's invoke URL. */
export interface LocalRestApi {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the deployed API on loopback for emulators, where API Gateway has no invoke URL and Lambda runs
 * no code. The routes are read from the deployed REST API (GetResources); each route's function runs its
 * deployed bundle (fetched through S3, checked against CodeSha256) in its own process with its deployed
 * environment. Requests become REST proxy events here: this file, not API Gateway, is what this mode
 * exercises between HTTP and the handler.
 */
export async function startLocalRestApi(deployment: Deployment): Promise<LocalRestApi> {
  const routes = await deployedRoutes(deployment.apiId);
  const hosts = new Map<string, LambdaHostProcess>();
  const directories: string[] = [];
  const stopAll = async () => {
    await Promise.all([...hosts.values()].map((host) => host.stop()));
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  };
  try {
    for (const functionName of new Set(routes.map((route) => route.functionName))) {
      const bundle = await fetchDeployedBundle(deployment.stackName, functionName);
      directories.push(bundle.directory);
      hosts.set(functionName, await startLambdaHost(bundle, process.env));
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  const server = createServer((request, response) => {
    handle(request, routes, hosts).then(
      (result) => {
        response.writeHead(result.statusCode, result.headers as Record<string, string>).end(result.body);
      },
      (error: unknown) => {
        response
          .writeHead(502, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: 'Internal server error', detail: String(error) }));
      },
    );
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await stopAll();
    },
  };
}

async function deployedRoutes(restApiId: string): Promise<Route[]> {
  const client = new APIGatewayClient({});
  try {
    const { items = [] } = await client.send(
      new GetResourcesCommand({ restApiId, embed: ['methods'], limit: 500 }),
    );
    return items.flatMap((resource) =>
      Object.entries(resource.resourceMethods ?? {}).map(([method, details]) => {
        const uri = details.methodIntegration?.uri ?? '';
        const functionName = /:function:([^/:]+)/.exec(uri)?.[1];
        if (functionName === undefined)
          throw new Error(`${method} ${resource.path} is not a Lambda integration`);
        return { method, resource: resource.path ?? '/', functionName };
      }),
    );
  } finally {
    client.destroy();
  }
}

async function handle(
  request: IncomingMessage,
  routes: readonly Route[],
  hosts: ReadonlyMap<string, LambdaHostProcess>,
): Promise<APIGatewayProxyResult> {
  const url = new URL(request.url ?? '/', 'http://local');
  const matched = routes
    .filter((route) => route.method === request.method)
    .map((route) => ({ route, pathParameters: match(route.resource, url.pathname) }))
    .find((candidate) => candidate.pathParameters !== undefined);
  if (matched === undefined) {
    // What API Gateway answers for an unknown route.
    return {
      statusCode: 403,
      headers: {},
      body: JSON.stringify({ message: 'Missing Authentication Token' }),
    };
  }
  const body = await readBody(request);
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(',') : (value ?? ''),
    ]),
  );
  const query = Object.fromEntries(url.searchParams);
  const event: APIGatewayProxyEvent = {
    resource: matched.route.resource,
    path: url.pathname,
    httpMethod: matched.route.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: Object.keys(query).length === 0 ? null : query,
    multiValueQueryStringParameters: null,
    pathParameters: matched.pathParameters ?? null,
    stageVariables: null,
    body: body === '' ? null : body,
    isBase64Encoded: false,
    requestContext: {
      resourcePath: matched.route.resource,
      httpMethod: matched.route.method,
      path: url.pathname,
      stage: 'local',
      requestId: randomUUID(),
    } as APIGatewayProxyEvent['requestContext'],
  };
  const host = hosts.get(matched.route.functionName);
  if (host === undefined) throw new Error(`no host for ${matched.route.functionName}`);
  return (await host.invoke(event)) as APIGatewayProxyResult;
}

function match(template: string, path: string): Record<string, string> | undefined {
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, part] of expected.entries()) {
    const value = actual[index] ?? '';
    const name = /^\{(.+)\}$/.exec(part)?.[1];
    if (name !== undefined && value !== '') parameters[name] = decodeURIComponent(value);
    else if (part !== value) return undefined;
  }
  return parameters;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address === 'object' && address !== null) resolve(address.port);
      else reject(new Error('no port'));
    });
  });
}
