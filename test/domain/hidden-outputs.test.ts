import { describe, expect, it } from 'vitest';
import {
  concealOutputs,
  isHiddenOutput,
  looksSecret,
  valuesToMask,
} from '../../src/domain/hidden-outputs.js';

describe('looksSecret', () => {
  it.each([
    'DbPassword',
    'DB_PASSWORD',
    'AdminPasswd',
    'ClientSecret',
    'SecretValue',
    'GithubToken',
    'TokenValue',
    'ServiceCredential',
    'ServiceCredentials',
    'ApiKey',
    'APIKey',
    'StripeApiKey',
    'PrivateKey',
    'SigningPrivateKey',
    'AccessKey',
    'UserAccessKey',
  ])('hides %s', (key) => {
    expect(looksSecret(key)).toBe(true);
  });

  it.each([
    'ApiUrl',
    'TableName',
    'SigningKeyArn',
    'ApiKeyId',
    'AccessKeyId',
    'PrivateKeyName',
    'SecretKeyArn',
    'Tokenizer',
    'TokenizerUrl',
    'SecretsBucket',
    'PasswordlessUrl',
    'KeyPair',
    'MonkeyBusiness',
  ])('shows %s', (key) => {
    expect(looksSecret(key)).toBe(false);
  });
});

describe('hide-outputs', () => {
  it('hides names and globs it lists, and secret-looking names whatever it lists', () => {
    expect(isHiddenOutput('DbHost', ['DbHost'])).toBe(true);
    expect(isHiddenOutput('InternalQueueUrl', ['Internal*'])).toBe(true);
    expect(isHiddenOutput('QueueAUrl', ['Queue?Url'])).toBe(true);
    expect(isHiddenOutput('ApiUrl', ['Internal*', 'DbHost'])).toBe(false);
    expect(isHiddenOutput('DbPassword', [])).toBe(true);
    // A dot in a pattern is a dot, not "any character".
    expect(isHiddenOutput('AxB', ['A.B'])).toBe(false);
  });
});

describe('concealOutputs and valuesToMask', () => {
  const outputs = [
    { stack: 'pr-42-api', key: 'ApiUrl', value: 'https://api.example.com/' },
    { stack: 'pr-42-api', key: 'DbPassword', value: 'hunter2-but-longer' },
    { stack: 'pr-42-api', key: 'PinToken', value: '1234' },
    { stack: 'pr-42-api', key: 'DbHost', value: 'db.internal.example' },
  ];

  it('keeps the key and stack of a hidden output, never its value', () => {
    expect(concealOutputs(outputs, ['DbHost'])).toEqual([
      outputs[0],
      { stack: 'pr-42-api', key: 'DbPassword', value: '', hidden: true },
      { stack: 'pr-42-api', key: 'PinToken', value: '', hidden: true },
      { stack: 'pr-42-api', key: 'DbHost', value: '', hidden: true },
    ]);
  });

  it('masks only hidden values of at least 8 characters: a short mask garbles the whole log', () => {
    expect(valuesToMask(outputs, ['DbHost'])).toEqual(['hunter2-but-longer', 'db.internal.example']);
  });
});

describe('hide-outputs and masking, at their edges', () => {
  it('takes regular-expression characters in a pattern literally', () => {
    expect(isHiddenOutput('DbHost', ['Db.Host'])).toBe(false);
    expect(isHiddenOutput('DbHost', ['(Db)Host'])).toBe(false);
    expect(isHiddenOutput('DbbHost', ['Db+Host'])).toBe(false);
    expect(isHiddenOutput('Db(Host)', ['Db(Host)'])).toBe(true);
  });

  it('masks a hidden value of exactly 8 characters', () => {
    const outputs = [{ stack: 'pr-42-api', key: 'PinToken', value: '12345678' }];
    expect(valuesToMask(outputs, [])).toEqual(['12345678']);
    expect(valuesToMask([{ ...outputs[0], value: '1234567' } as never], [])).toEqual([]);
  });
});
