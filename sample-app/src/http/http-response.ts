import type { APIGatewayProxyResult } from 'aws-lambda';

/** A JSON response for API Gateway's REST proxy integration. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
