import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// Both packages are CommonJS with a default export: under Node ESM the class is the module's `default`.
const AjvDraft04 = ((AjvDraft04Module as unknown as { default?: unknown }).default ??
  AjvDraft04Module) as typeof AjvDraft04Module.default;
const addFormats = addFormatsModule as unknown as <T>(ajv: T) => T;

const OPENAPI_ID = 'urn:sample-app:openapi';
const contractsDir = new URL('../../contracts/', import.meta.url);

/** A response as a client sees it: status, lower-case headers, parsed JSON body. */
export interface ObservedResponse {
  readonly status: number;
  readonly headers: Record<string, string | undefined>;
  readonly body: unknown;
}

export type Json = Record<string, unknown>;

/**
 * Validates responses against contracts/openapi.yaml with a real JSON Schema 2020-12 validator (OpenAPI 3.1
 * schemas are JSON Schema 2020-12). The document is registered whole, so `$ref`s resolve as written.
 */
export function openApiContract() {
  const document = parse(readFileSync(new URL('openapi.yaml', contractsDir), 'utf8')) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: OPENAPI_ID });

  const at = (pointer: string): Json => {
    let node: unknown = document;
    for (const part of pointer.split('/').slice(1)) {
      node = (node as Json)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
      if (node === undefined) throw new Error(`openapi.yaml has nothing at ${pointer}`);
    }
    return node as Json;
  };
  const follow = (pointer: string): string => {
    const ref = at(pointer).$ref;
    return typeof ref === 'string' ? follow(ref.slice(1)) : pointer;
  };
  const pointerPart = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');
  const check = (schemaPointer: string, value: unknown, what: string): string[] => {
    const validate = ajv.getSchema(`${OPENAPI_ID}#${schemaPointer}`);
    if (validate === undefined) throw new Error(`no schema at ${schemaPointer}`);
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message}`);
  };

  return {
    document,
    /** Every way `response` breaks the contract of `method path` (an OpenAPI path template); empty if none. */
    violations(method: string, path: string, response: ObservedResponse): string[] {
      const operation = `/paths/${pointerPart(path)}/${method.toLowerCase()}`;
      at(operation);
      const declared = (at(`${operation}/responses`) as Json)[String(response.status)];
      if (declared === undefined)
        return [`status ${response.status} is not documented for ${method} ${path}`];
      const responsePointer = follow(`${operation}/responses/${response.status}`);
      const problems: string[] = [];
      const headers = (at(responsePointer).headers ?? {}) as Json;
      for (const name of Object.keys(headers)) {
        const headerPointer = follow(`${responsePointer}/headers/${pointerPart(name)}`);
        const header = at(headerPointer);
        const value = response.headers[name.toLowerCase()];
        if (value === undefined) {
          if (header.required === true) problems.push(`header ${name} is required`);
        } else {
          problems.push(...check(`${headerPointer}/schema`, value, `header ${name}`));
        }
      }
      problems.push(...check(`${responsePointer}/content/application~1json/schema`, response.body, 'body'));
      return problems;
    },
    /** Every way `body` breaks the operation's request body schema. */
    requestViolations(method: string, path: string, body: unknown): string[] {
      const pointer = `/paths/${pointerPart(path)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
      return check(pointer, body, 'request');
    },
  };
}

/** The text of a versioned event contract in contracts/events/, exactly as the stack publishes it. */
export function eventContractText(file: string): string {
  return readFileSync(new URL(`events/${file}`, contractsDir), 'utf8');
}

/**
 * A real JSON Schema validator for a versioned event contract: a file in contracts/events/, or a schema
 * given as an object (a changed copy, in the compatibility tests). Event contracts are JSON Schema draft 4,
 * the dialect the EventBridge schema registry holds.
 */
export function eventContract(file: string | Json) {
  const schema = typeof file === 'string' ? (JSON.parse(eventContractText(file)) as Json) : file;
  const ajv = new AjvDraft04({ strict: true, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return {
    schema,
    /** Every way `detail` breaks the schema; empty if none. */
    violations(detail: unknown): string[] {
      return validate(detail)
        ? []
        : (validate.errors ?? []).map((e) => `detail${e.instancePath} ${e.message}`);
    },
  };
}
