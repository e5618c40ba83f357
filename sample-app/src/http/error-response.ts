import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  InvoiceAlreadyExistsError,
  InvoiceConflictError,
  InvoiceNotFoundError,
  ValidationError,
} from '../domain/errors.js';
import { jsonResponse } from './http-response.js';

/**
 * The one place errors become status codes: 400 validation, 404 not found, 409 conflict, and 500 for
 * everything else, with a generic body that reveals nothing about the internals.
 */
export function errorResponse(error: unknown, correlationId: string): APIGatewayProxyResult {
  if (error instanceof ValidationError) {
    return jsonResponse(400, {
      code: 'ValidationFailed',
      message: 'The request is invalid.',
      issues: error.issues,
      correlationId,
    });
  }
  if (error instanceof InvoiceNotFoundError) {
    return jsonResponse(404, { code: 'NotFound', message: 'No such invoice.', correlationId });
  }
  if (error instanceof InvoiceAlreadyExistsError || error instanceof InvoiceConflictError) {
    return jsonResponse(409, { code: 'Conflict', message: error.message, correlationId });
  }
  return jsonResponse(500, { code: 'InternalError', message: 'Something went wrong.', correlationId });
}

/** Whether the error is an expected outcome (4xx) rather than a fault worth an error log. */
export function isClientError(error: unknown): boolean {
  return errorResponse(error, '').statusCode < 500;
}
