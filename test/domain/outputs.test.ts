import { describe, expect, it } from 'vitest';
import { arrangeOutputs, isCdkExport, screamingSnake } from '../../src/domain/outputs.js';
import type { StackOutput } from '../../src/domain/report.js';
import { OutputsError } from '../../src/errors.js';

const output = (stack: string, key: string, value: string): StackOutput => ({ stack, key, value });

describe('screamingSnake', () => {
  it.each([
    ['ApiUrl', 'API_URL'],
    ['HTTPSEndpoint', 'HTTPS_ENDPOINT'],
    ['tableName2', 'TABLE_NAME2'],
    ['Bucket_Name', 'BUCKET_NAME'],
    ['ApiURL', 'API_URL'],
    ['S3BucketName', 'S3_BUCKET_NAME'],
    ['QueueARN', 'QUEUE_ARN'],
    ['url', 'URL'],
    ['already_SNAKE', 'ALREADY_SNAKE'],
    ['Api.Url-v2', 'API_URL_V2'],
  ])('turns %s into %s', (key, variable) => {
    expect(screamingSnake(key)).toBe(variable);
  });
});

describe('isCdkExport', () => {
  it("recognises CDK's own cross-stack outputs", () => {
    expect(isCdkExport('ExportsOutputRefTable1234')).toBe(true);
    expect(isCdkExport('ExportsOutputFnGetAttApiUrl')).toBe(true);
    expect(isCdkExport('ApiExportsOutput')).toBe(false);
  });
});

describe('arrangeOutputs', () => {
  it('arranges outputs by stack, flat by key, and as environment variables', () => {
    const arranged = arrangeOutputs([
      output('pr-42-base', 'TableName', 'invoices'),
      output('pr-42-api', 'ApiUrl', 'https://api.example.com/prod/'),
    ]);
    expect(arranged).toEqual({
      byStack: {
        'pr-42-base': { TableName: 'invoices' },
        'pr-42-api': { ApiUrl: 'https://api.example.com/prod/' },
      },
      flat: { TableName: 'invoices', ApiUrl: 'https://api.example.com/prod/' },
      variables: { TABLE_NAME: 'invoices', API_URL: 'https://api.example.com/prod/' },
      refused: [],
      url: 'https://api.example.com/prod/',
      urlOutput: 'ApiUrl',
    });
  });

  it('picks the first output whose key ends in Url or URL as the url', () => {
    const arranged = arrangeOutputs([
      output('pr-42-base', 'UrlPrefix', 'no'),
      output('pr-42-base', 'Urls', 'no'),
      output('pr-42-api', 'WebsiteURL', 'https://site'),
      output('pr-42-api', 'ApiUrl', 'https://api'),
    ]);
    expect(arranged.url).toBe('https://site');
  });

  it('has no url when no output is an https URL outside the AWS service endpoints', () => {
    expect(
      arrangeOutputs([
        output('pr-42-api', 'Endpoint', 'http://x'),
        output('pr-42-api', 'QueueUrl', 'https://sqs.eu-west-2.amazonaws.com/111122223333/jobs'),
        output('pr-42-api', 'curl', 'x'),
      ]),
    ).not.toHaveProperty('url');
  });

  it('keeps CDK exports in the file only: not in outputs, variables or url', () => {
    const arranged = arrangeOutputs([
      output('pr-42-base', 'ExportsOutputFnGetAttTableArnUrl', 'arn:aws:dynamodb:...'),
      output('pr-42-api', 'ApiUrl', 'https://api'),
    ]);
    expect(arranged.byStack['pr-42-base']).toEqual({
      ExportsOutputFnGetAttTableArnUrl: 'arn:aws:dynamodb:...',
    });
    expect(arranged.flat).toEqual({ ApiUrl: 'https://api' });
    expect(arranged.variables).toEqual({ API_URL: 'https://api' });
    expect(arranged.url).toBe('https://api');
  });

  it('accepts the same key with the same value in two stacks', () => {
    const arranged = arrangeOutputs([
      output('pr-42-a', 'Region', 'eu-west-2'),
      output('pr-42-b', 'Region', 'eu-west-2'),
    ]);
    expect(arranged.flat).toEqual({ Region: 'eu-west-2' });
    expect(arranged.variables).toEqual({ REGION: 'eu-west-2' });
    expect(Object.keys(arranged.byStack)).toEqual(['pr-42-a', 'pr-42-b']);
  });

  it('refuses the same key with different values in two stacks, naming both stacks and the key', () => {
    const run = () =>
      arrangeOutputs([output('pr-42-a', 'ApiUrl', 'https://a'), output('pr-42-b', 'ApiUrl', 'https://b')]);
    expect(run).toThrow(OutputsError);
    expect(run).toThrow(/Stacks pr-42-a and pr-42-b both output ApiUrl \(environment variable API_URL\)/);
    expect(run).toThrow(/Rename one of the CfnOutputs/);
  });

  it('refuses two keys that become the same variable with different values, naming both keys', () => {
    const run = () =>
      arrangeOutputs([output('pr-42-a', 'ApiUrl', 'https://a'), output('pr-42-b', 'APIUrl', 'https://b')]);
    expect(run).toThrow(/pr-42-a and pr-42-b both output ApiUrl and APIUrl \(environment variable API_URL\)/);
  });

  it('allows CDK exports with the same key and different values in two stacks', () => {
    const arranged = arrangeOutputs([
      output('pr-42-a', 'ExportsOutputRefX', 'one'),
      output('pr-42-b', 'ExportsOutputRefX', 'two'),
    ]);
    expect(arranged.byStack).toEqual({
      'pr-42-a': { ExportsOutputRefX: 'one' },
      'pr-42-b': { ExportsOutputRefX: 'two' },
    });
  });

  it('arranges no outputs as empty', () => {
    expect(arrangeOutputs([])).toEqual({ byStack: {}, flat: {}, refused: [], variables: {} });
  });
});

describe('screamingSnake on punctuation', () => {
  it('turns every run of other characters into one underscore, and none at the ends', () => {
    expect(screamingSnake('__api--url..v2__')).toBe('API_URL_V2');
  });
});
