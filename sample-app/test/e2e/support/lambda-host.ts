// A stand-in for the Lambda runtime, run as its own process per function (as Lambda isolates them):
// `node --import tsx lambda-host.ts <bundle dir> <module.export>`. It loads the unpacked bundle, listens
// on loopback and answers POST /invoke {event} with the handler's result. It prints `LAMBDA_HOST_PORT=<n>`.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const [directory, handlerSpec = 'index.handler'] = process.argv.slice(2);
if (directory === undefined) throw new Error('usage: lambda-host <bundle dir> <module.export>');
const dot = handlerSpec.lastIndexOf('.');
const base = join(directory, handlerSpec.slice(0, dot));
const file = ['.js', '.cjs', '.mjs'].map((extension) => base + extension).find((path) => existsSync(path));
if (file === undefined) throw new Error(`no module for handler ${handlerSpec} in ${directory}`);
const loaded = file.endsWith('.mjs')
  ? ((await import(file)) as Record<string, unknown>)
  : (createRequire(file)(file) as Record<string, unknown>);
const handler = loaded[handlerSpec.slice(dot + 1)] as Handler | undefined;
if (typeof handler !== 'function') throw new Error(`${handlerSpec} is not a function in ${file}`);

const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local';
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const context = {
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${functionName}`,
      memoryLimitInMB: '512',
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => 10_000,
    };
    handler(JSON.parse(Buffer.concat(chunks).toString('utf8')), context).then(
      (result) => {
        // A handler that returns nothing (an event consumer) answers `null`, as Lambda does.
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? null));
      },
      (error: unknown) => {
        // An unhandled error, as Lambda reports it: API Gateway turns this into a 502.
        const message = error instanceof Error ? error.message : String(error);
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errorMessage: message }));
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address !== null)
    process.stdout.write(`LAMBDA_HOST_PORT=${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
