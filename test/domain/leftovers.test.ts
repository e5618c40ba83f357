import { describe, expect, it } from 'vitest';
import { renderComment } from '../../src/domain/comment.js';
import {
  canonicalArn,
  createdAtOf,
  deletableType,
  describeLeftovers,
  isStackArn,
  judgeLeftover,
  lambdaLogGroupPrefix,
  leftoverEntry,
  resourceType,
} from '../../src/domain/leftovers.js';
import { TAG } from '../../src/domain/ownership.js';
import { parseReportFile, reportFile } from '../../src/domain/report-file.js';
import { renderCleanupSummary } from '../../src/domain/summary.js';

const REPO = 'acme/invoices';
const SCOPE = { repository: REPO, template: 'pr-{number}' };
const tags = (pullRequest: number, stack?: string, repository = REPO): Record<string, string> => ({
  [TAG.managedBy]: 'prenv',
  [TAG.repository]: repository,
  [TAG.pullRequest]: String(pullRequest),
  [TAG.environment]: `pr-${pullRequest}`,
  [TAG.createdAt]: '2025-01-01T00:00:00Z',
  ...(stack === undefined ? {} : { 'aws:cloudformation:stack-name': stack }),
});
const BUCKET = 'arn:aws:s3:::pr-1-data-uploads';

describe('resource types', () => {
  it('names the kinds prenv deletes with their CloudFormation types, the rest service:kind', () => {
    expect(resourceType(BUCKET)).toBe('AWS::S3::Bucket');
    expect(resourceType('arn:aws:logs:eu-west-2:1:log-group:/aws/lambda/pr-1-f:*')).toBe(
      'AWS::Logs::LogGroup',
    );
    expect(resourceType('arn:aws:sqs:eu-west-2:1:pr-1-q')).toBe('AWS::SQS::Queue');
    expect(resourceType('arn:aws:sns:eu-west-2:1:pr-1-t')).toBe('AWS::SNS::Topic');
    expect(resourceType('arn:aws:dynamodb:eu-west-2:1:table/pr-1-t')).toBe('AWS::DynamoDB::Table');
    expect(resourceType('arn:aws:lambda:eu-west-2:1:function:pr-1-f')).toBe('AWS::Lambda::Function');
    expect(resourceType('arn:aws:ec2:eu-west-2:1:vpc/vpc-1')).toBe('ec2:vpc');
  });

  it('deletes neither objects, subscriptions, aliases, indexes nor other types', () => {
    expect(deletableType('arn:aws:s3:::pr-1-b/key')).toBe(false);
    expect(deletableType('arn:aws:sns:eu-west-2:1:pr-1-t:5f1c')).toBe(false);
    expect(deletableType('arn:aws:lambda:eu-west-2:1:function:pr-1-f:live')).toBe(false);
    expect(deletableType('arn:aws:dynamodb:eu-west-2:1:table/pr-1-t/index/byCustomer')).toBe(false);
    expect(deletableType('arn:aws:ec2:eu-west-2:1:vpc/vpc-1')).toBe(false);
    expect(isStackArn('arn:aws:cloudformation:eu-west-2:1:stack/pr-1-api/abc')).toBe(true);
    expect(canonicalArn('arn:aws:logs:eu-west-2:1:log-group:/aws/lambda/x:*')).toBe(
      'arn:aws:logs:eu-west-2:1:log-group:/aws/lambda/x',
    );
  });
});

describe('judgeLeftover', () => {
  const live = new Set(['pr-2-api']);

  it('deletes only what a gone stack of the environment created, of a type prenv deletes', () => {
    expect(judgeLeftover({ arn: BUCKET, tags: tags(1, 'pr-1-data') }, SCOPE, live)).toBe('deletable');
    expect(
      judgeLeftover({ arn: 'arn:aws:ec2:eu-west-2:1:vpc/vpc-1', tags: tags(1, 'pr-1-data') }, SCOPE, live),
    ).toBe('report');
  });

  it('reports, never deletes, a resource without aws:cloudformation:stack-name (anyone can tag)', () => {
    expect(judgeLeftover({ arn: BUCKET, tags: tags(1) }, SCOPE, live)).toBe('report');
  });

  it('reports a stack tag outside the environment, or tags of another repository or forged PR', () => {
    expect(judgeLeftover({ arn: BUCKET, tags: tags(1, 'pr-3-data') }, SCOPE, live)).toBe('report');
    expect(judgeLeftover({ arn: BUCKET, tags: tags(1, 'pr-1-data', 'acme/payments') }, SCOPE, live)).toBe(
      'report',
    );
    expect(
      judgeLeftover({ arn: BUCKET, tags: { ...tags(1, 'pr-1-data'), [TAG.pullRequest]: '01' } }, SCOPE, live),
    ).toBe('report');
  });

  it("leaves a live stack's resources alone, and Lambda's log groups of a live stack's functions", () => {
    expect(judgeLeftover({ arn: BUCKET, tags: tags(2, 'pr-2-api') }, SCOPE, live)).toBe('in-live-stack');
    const group = 'arn:aws:logs:eu-west-2:1:log-group:/aws/lambda/pr-2-api-Handler-1';
    expect(judgeLeftover({ arn: group, tags: {} }, SCOPE, live)).toBe('in-live-stack');
    expect(judgeLeftover({ arn: group.replace('pr-2', 'pr-1'), tags: {} }, SCOPE, live)).toBe('report');
  });

  it("goes by the stack tag of a log group whose name only looks like a live stack's function", () => {
    // pr-2-api-v2 is gone; its function's log group starts with the live pr-2-api's name.
    const group = 'arn:aws:logs:eu-west-2:1:log-group:/aws/lambda/pr-2-api-v2-Handler-1';
    expect(judgeLeftover({ arn: group, tags: tags(2, 'pr-2-api-v2') }, SCOPE, live)).toBe('deletable');
  });
});

describe('leftovers in the reports', () => {
  const leftover = leftoverEntry({ arn: BUCKET, tags: tags(1, 'pr-1-data') }, 'reported');
  const report = {
    state: 'destroyed' as const,
    environment: 'pr-1',
    repository: REPO,
    pullRequest: 1,
    updatedAt: '2025-01-04T00:00:00Z',
    leftovers: [leftover],
    resourceCount: 3,
  };

  it('shows type, ARN, age and count in the comment', () => {
    const body = renderComment(report);
    expect(body).toContain('Resources still tagged for');
    expect(body).toContain('`AWS::S3::Bucket`');
    expect(body).toContain(BUCKET);
    expect(body).toContain('| 3 days |');
    expect(body).toContain('**Resources:** 3 resources');
  });

  it('passes the report file schema', () => {
    const file = reportFile('destroy', report, {});
    const parsed = parseReportFile(JSON.stringify(file), {
      repository: REPO,
      pullRequest: 1,
      environment: 'pr-1',
    });
    expect(parsed.ok && parsed.file.report.leftovers).toEqual([leftover]);
    const forged = JSON.stringify({
      ...file,
      report: { ...report, leftovers: [{ ...leftover, outcome: 'nuked' }] },
    });
    expect(parseReportFile(forged, { repository: REPO, pullRequest: 1, environment: 'pr-1' }).ok).toBe(false);
  });

  it('adds a Resources column and the kept environments to the sweep summary', () => {
    const summary = renderCleanupSummary({
      repository: REPO,
      dryRun: false,
      kept: 1,
      updatedAt: '2025-01-04T00:00:00Z',
      environments: [
        {
          environment: 'pr-1',
          reasons: ['pr-closed'],
          stacks: [],
          result: 'left-behind',
          resourceCount: 1,
          leftovers: [leftover],
        },
      ],
      keptEnvironments: [
        {
          environment: 'pr-2',
          pullRequest: 2,
          resourceCount: 12,
          createdAt: '2025-01-03T00:00:00Z',
          leftovers: [],
        },
      ],
    });
    expect(summary).toContain('| Resources |');
    expect(summary).toContain(BUCKET);
    expect(summary).toContain('Kept environments (1)');
    expect(summary).toMatch(/`pr-2` \| #2 \| 1 day \| 12 \|/);
  });
});

describe('leftover entries and their edges', () => {
  const LOG_GROUP = 'arn:aws:logs:eu-west-2:111111111111:log-group:/aws/lambda/pr-1-api-Fn';

  it('falls back to the service when an ARN has no recognisable kind', () => {
    expect(resourceType('nonsense')).toBe('?');
    expect(resourceType('arn:aws:ec2:eu-west-2:111111111111:plain')).toBe('ec2');
    expect(resourceType('arn:aws:ec2:eu-west-2:111111111111:_odd/thing')).toBe('ec2');
    expect(isStackArn('xarn:aws:cloudformation:eu-west-2:111111111111:stack/pr-1-api/1')).toBe(false);
    expect(canonicalArn(`x ${LOG_GROUP}:*`)).toBe(`x ${LOG_GROUP}:*`);
  });

  it("keeps an untagged Lambda log group of any live stack's function", () => {
    const live = new Set(['pr-1-data', 'pr-1-api']);
    expect(judgeLeftover({ arn: LOG_GROUP, tags: {} }, SCOPE, live)).toBe('in-live-stack');
    expect(lambdaLogGroupPrefix('pr-1')).toBe('/aws/lambda/pr-1-');
  });

  it("dates a resource by AWS's creation time to the second, else by a well-formed created-at tag", () => {
    const created = (createdAt: Date | undefined, tag?: string) =>
      createdAtOf({
        arn: BUCKET,
        tags: tag === undefined ? {} : { [TAG.createdAt]: tag },
        ...(createdAt === undefined ? {} : { createdAt }),
      });
    expect(created(new Date('2025-01-02T03:04:05.678Z'), '2024-01-01T00:00:00Z')).toBe(
      '2025-01-02T03:04:05Z',
    );
    expect(created(new Date('nope'), '2024-01-01T00:00:00Z')).toBe('2024-01-01T00:00:00Z');
    expect(created(undefined, '2024-01-01T00:00:00.5+02:30')).toBe('2024-01-01T00:00:00.5+02:30');
    expect(created(undefined, '2024-01-01T00:00:00-11:00')).toBe('2024-01-01T00:00:00-11:00');
    for (const bad of ['soon', 'x2024-01-01T00:00:00Z', '2024-01-01T00:00:00Zx', '2024-01-01T00:00:00']) {
      expect(created(undefined, bad)).toBeUndefined();
    }
    expect(created(undefined)).toBeUndefined();
  });

  it('records only what it knows, and describes leftovers in one line', () => {
    const entry = leftoverEntry({ arn: `${LOG_GROUP}:*`, tags: {} }, 'reported');
    expect(entry).toStrictEqual({ arn: LOG_GROUP, type: 'AWS::Logs::LogGroup', outcome: 'reported' });
    const full = leftoverEntry({ arn: BUCKET, tags: tags(1, 'pr-1-data') }, 'delete-failed', 'denied');
    expect(full).toStrictEqual({
      arn: BUCKET,
      type: 'AWS::S3::Bucket',
      outcome: 'delete-failed',
      createdAt: '2025-01-01T00:00:00Z',
      stack: 'pr-1-data',
      reason: 'denied',
    });
    expect(describeLeftovers([entry, full])).toBe(
      `AWS::Logs::LogGroup ${LOG_GROUP} (reported); AWS::S3::Bucket ${BUCKET} (delete-failed)`,
    );
  });
});
