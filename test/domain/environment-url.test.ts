import { describe, expect, it } from 'vitest';
import {
  isEnvironmentUrl,
  pickUrl,
  userinfoSecrets,
  withoutUserinfo,
} from '../../src/domain/environment-url.js';
import { arrangeOutputs } from '../../src/domain/outputs.js';

const out = (key: string, value: string, stack = 'pr-42-app') => ({ stack, key, value });

describe('isEnvironmentUrl', () => {
  it.each([
    'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/',
    'https://d111111abcdef8.cloudfront.net/',
    'https://abcdefg.lambda-url.eu-west-2.on.aws/',
    'https://my-alb-1234.eu-west-2.elb.amazonaws.com/',
    'https://pr-42.preview.example.com/',
  ])('accepts %s', (url) => expect(isEnvironmentUrl(url)).toBe(true));

  it.each([
    'https://sqs.eu-west-2.amazonaws.com/111122223333/pr-42-jobs',
    '111122223333.dkr.ecr.eu-west-2.amazonaws.com/pr-42-app',
    'https://pr-42-uploads.s3.eu-west-2.amazonaws.com/',
    'https://dynamodb.eu-west-2.amazonaws.com',
    'http://pr-42.preview.example.com/',
    'pr-42-data-InvoicesTable-1X2Y3Z',
  ])('refuses %s', (url) => expect(isEnvironmentUrl(url)).toBe(false));
});

describe('pickUrl', () => {
  it('skips a queue URL that comes first and takes the API', () => {
    const outputs = [
      out('QueueUrl', 'https://sqs.eu-west-2.amazonaws.com/111122223333/pr-42-jobs'),
      out('RepositoryUri', '111122223333.dkr.ecr.eu-west-2.amazonaws.com/pr-42-app'),
      out('ApiEndpoint', 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/'),
    ];
    expect(pickUrl(outputs)?.key).toBe('ApiEndpoint');
  });

  it('prefers an output whose key ends in Url among the qualifying ones', () => {
    const outputs = [out('Docs', 'https://docs.example.com/'), out('SiteUrl', 'https://d1.cloudfront.net/')];
    expect(pickUrl(outputs)?.key).toBe('SiteUrl');
  });

  it('has none when only service endpoints are output', () => {
    expect(pickUrl([out('QueueUrl', 'https://sqs.eu-west-2.amazonaws.com/1/q')])).toBeUndefined();
  });

  it('takes the output url-output names, whatever it holds', () => {
    const outputs = [
      out('ApiUrl', 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/'),
      out('Admin', 'https://sqs.eu-west-2.amazonaws.com/1/q'),
    ];
    expect(pickUrl(outputs, 'Admin')?.key).toBe('Admin');
    expect(pickUrl(outputs, 'Missing')).toBeUndefined();
  });
});

describe('credentials in URLs', () => {
  it('removes user and password, even with an @ in the password', () => {
    expect(withoutUserinfo('https://admin:hunter2@example.com/x')).toBe('https://example.com/x');
    expect(withoutUserinfo('https://admin:p@ss@example.com/x?a=b@c')).toBe('https://example.com/x?a=b@c');
    expect(withoutUserinfo('mailto:a@example.com')).toBe('mailto:a@example.com');
    expect(withoutUserinfo('plain@text')).toBe('plain@text');
  });

  it('names the secret to mask', () => {
    expect(userinfoSecrets('https://admin:hunter%232@example.com/')).toEqual(['hunter%232', 'hunter#2']);
    expect(userinfoSecrets('https://tokenonly@example.com/')).toEqual(['tokenonly']);
    expect(userinfoSecrets('https://example.com/')).toEqual([]);
  });

  it('gives the url output without credentials, and names its key', () => {
    const arranged = arrangeOutputs([out('SiteUrl', 'https://admin:hunter2@preview.example.com/')]);
    expect(arranged.url).toBe('https://preview.example.com/');
    expect(arranged.urlOutput).toBe('SiteUrl');
    // The e2e command and the outputs JSON keep the value as the app output it.
    expect(arranged.flat.SiteUrl).toBe('https://admin:hunter2@preview.example.com/');
  });
});

describe('credentials after a web scheme without //', () => {
  // The URL parser reads https:user:pw@host, https:\\user:pw@host and https:///user:pw@host as credentials.
  const forms = [
    'https:admin:hunter2@h.example.com/x',
    'HTTPS:\\\\admin:hunter2@h.example.com/x',
    'wss:///admin:hunter2@h.example.com/x',
  ];

  it('removes them as the parser reads them, and names the secret to mask', () => {
    expect(forms.map(withoutUserinfo)).toEqual([
      'https:h.example.com/x',
      'HTTPS:\\\\h.example.com/x',
      'wss:///h.example.com/x',
    ]);
    for (const form of forms) {
      expect(new URL(withoutUserinfo(form)).href).toMatch(/^(https|wss):\/\/h\.example\.com\/x$/);
      expect(userinfoSecrets(form)).toEqual(['hunter2']);
    }
  });

  it('leaves other schemes without // alone: the parser reads no credentials there', () => {
    expect(withoutUserinfo('postgres:u:p@db')).toBe('postgres:u:p@db');
    expect(userinfoSecrets('postgres:u:p@db')).toEqual([]);
    expect(withoutUserinfo('postgres://u:p\\x@db/')).toBe('postgres://db/');
  });

  it('keeps them out of the url output', () => {
    expect(arrangeOutputs([out('SiteUrl', forms[0] ?? '')]).url).toBe('https:h.example.com/x');
  });
});

describe('pickUrl, key rules', () => {
  const app = 'https://app.example.com/';

  it('never picks a CDK export, whatever its key ends with', () => {
    expect(pickUrl([out('ExportsOutputRefApiUrl', app)])).toBeUndefined();
    expect(pickUrl([out('ApiExportsOutput', app)])).toEqual(out('ApiExportsOutput', app));
  });

  it('prefers a key that ends in Url, not one that merely contains it', () => {
    expect(pickUrl([out('UrlPrefix', 'https://a.example.com/'), out('SiteUrl', app)])).toEqual(
      out('SiteUrl', app),
    );
  });
});

describe('userinfoSecrets, user names', () => {
  it('masks the user name only when there is no password, decoded too', () => {
    expect(userinfoSecrets('https://us%40er:pa%24s@h.example.com/')).toEqual(['pa%24s', 'pa$s']);
    expect(userinfoSecrets('https://to%2Fken@h.example.com/')).toEqual(['to%2Fken', 'to/ken']);
    expect(userinfoSecrets('https://:pa55@h.example.com/')).toEqual(['pa55']);
  });
});

describe('URLs wrapped in Unicode spaces', () => {
  // The URL parser strips only ASCII spaces and controls; a no-break space around a pasted value would break it.
  it('still reads them', () => {
    expect(isEnvironmentUrl('\u00A0https://app.example.com/\u00A0')).toBe(true);
    expect(userinfoSecrets('\u00A0https://user:pass@h.example.com/')).toEqual(['pass']);
  });
});
