import type { APIGatewayProxyEvent } from 'aws-lambda';

/** An API Gateway REST proxy event, as the integration delivers it. */
export function apiEvent(request: {
  method: string;
  resource: string;
  path: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}): APIGatewayProxyEvent {
  return {
    httpMethod: request.method,
    resource: request.resource,
    path: request.path,
    pathParameters: request.pathParameters ?? null,
    headers: request.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    body:
      request.body === undefined
        ? null
        : typeof request.body === 'string'
          ? request.body
          : JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
  };
}
