import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import type { InvoiceLine, NewInvoice } from '../domain/invoice.js';

/** Reads the CreateInvoiceRequest body: JSON with the right types. Business rules are the domain's job. */
export function parseNewInvoice(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): NewInvoice {
  const body = parseJson(event);
  if (!isRecord(body)) throw invalid('body', 'must be a JSON object');
  const issues: ValidationIssue[] = [];
  const text = (value: unknown, path: string): string => {
    if (typeof value === 'string') return value;
    issues.push({ path, message: 'must be a string' });
    return '';
  };
  const integer = (value: unknown, path: string): number => {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    issues.push({ path, message: 'must be an integer' });
    return 0;
  };
  const customerId = text(body.customerId, 'customerId');
  const country = text(body.country, 'country');
  const currency = text(body.currency, 'currency');
  let lines: InvoiceLine[] = [];
  if (Array.isArray(body.lines)) {
    lines = body.lines.map((line: unknown, index) => {
      const item = isRecord(line) ? line : {};
      if (!isRecord(line)) issues.push({ path: `lines[${index}]`, message: 'must be an object' });
      return {
        description: text(item.description, `lines[${index}].description`),
        quantity: integer(item.quantity, `lines[${index}].quantity`),
        unitPrice: integer(item.unitPrice, `lines[${index}].unitPrice`),
      };
    });
  } else {
    issues.push({ path: 'lines', message: 'must be an array' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { customerId, country, currency, lines };
}

function parseJson(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): unknown {
  if (event.body === null || event.body === '') throw invalid('body', 'is required');
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new ValidationError([{ path: 'body', message: 'must be valid JSON' }], { cause: error });
  }
}

function invalid(path: string, message: string): ValidationError {
  return new ValidationError([{ path, message }]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
