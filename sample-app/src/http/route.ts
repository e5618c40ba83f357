import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ValidationError } from '../domain/errors.js';

/** One HTTP operation: parse the event, call a use case, map the result. Errors are thrown, not returned. */
export type Route = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** A required path parameter, or a ValidationError naming it. */
export function pathParameter(event: Pick<APIGatewayProxyEvent, 'pathParameters'>, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value.trim() === '') {
    throw new ValidationError([{ path: name, message: 'is required' }]);
  }
  return value;
}
