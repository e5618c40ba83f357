import { describe, expect, it } from 'vitest';
import { renderComment } from '../../src/domain/comment.js';
import { describeHotswap } from '../../src/domain/hotswap.js';
import type { EnvironmentReport } from '../../src/domain/report.js';
import { renderSummary } from '../../src/domain/summary.js';

const code = { type: 'AWS::Lambda::Function', properties: ['Code'] };

describe('describeHotswap', () => {
  it.each([
    [[code], "1 Lambda function's code"],
    [[code, code], "2 Lambda functions' code"],
    [
      [{ type: 'AWS::Lambda::Function', properties: ['Environment', 'Code'] }],
      "1 Lambda function's code and environment",
    ],
    [
      [code, { type: 'AWS::StepFunctions::StateMachine', properties: ['DefinitionString'] }],
      "1 Lambda function's code and 1 Step Functions state machine's definition",
    ],
    [[{ type: 'AWS::ECS::TaskDefinition', properties: [] }], '1 ECS task definition'],
    [[{ type: 'AWS::Some::Thing', properties: ['Spec'] }], "1 AWS::Some::Thing's Spec"],
    [[], ''],
    [
      [
        { type: 'AWS::ECS::TaskDefinition', properties: [] },
        { type: 'AWS::ECS::TaskDefinition', properties: [] },
      ],
      '2 ECS task definitions',
    ],
    [
      [
        { type: 'AWS::Some::Thing', properties: ['Spec'] },
        { type: 'AWS::Some::Thing', properties: ['Spec'] },
      ],
      "2 AWS::Some::Thing's Spec",
    ],
    [
      [
        code,
        { type: 'AWS::StepFunctions::StateMachine', properties: ['DefinitionString'] },
        { type: 'AWS::CodeBuild::Project', properties: [] },
        { type: 'AWS::AppSync::Resolver', properties: ['Code'] },
      ],
      "1 Lambda function's code, 1 Step Functions state machine's definition, 1 CodeBuild project and 1 AppSync resolver's code",
    ],
  ])('%j → %s', (resources, text) => {
    expect(describeHotswap(resources)).toBe(text);
  });
});

// Goldens: regenerate with `npx vitest run test/domain -u` and review the diff.
const report: EnvironmentReport = {
  state: 'ready',
  environment: 'pr-42',
  repository: 'acme/invoices',
  pullRequest: 42,
  sha: '3f2a9c1b7e4d5a6b8c9d0e1f2a3b4c5d6e7f8a9b',
  runUrl: 'https://github.com/acme/invoices/actions/runs/1234567',
  repositoryUrl: 'https://github.com/acme/invoices',
  url: 'https://k3x9.execute-api.eu-west-2.amazonaws.com/prod/',
  stacks: [
    { name: 'pr-42-data', outcome: 'unchanged', status: 'UPDATE_COMPLETE' },
    {
      name: 'pr-42-api',
      outcome: 'hotswapped',
      hotswapped: "2 Lambda functions' code",
      status: 'UPDATE_COMPLETE',
    },
  ],
  tests: { total: 3, passed: 3, failed: 0, skipped: 0, failures: [] },
  timings: { synth: 9_000, deploy: 4_000, tests: 12_000, total: 26_000 },
  updatedAt: '2025-03-03T11:30:00Z',
};

describe('a hotswapped stack in the comment and the summary', () => {
  it('says which stack was hotswapped and what, at a glance and in the stacks table', async () => {
    const body = renderComment(report);
    expect(body).toContain(
      "**Hotswapped** (no CloudFormation deployment): `pr-42-api` (2 Lambda functions' code)",
    );
    expect(body).toContain("| `pr-42-api` | ⚡ hotswapped: 2 Lambda functions' code | `UPDATE_COMPLETE` |");
    await expect(body).toMatchFileSnapshot('golden/ready-hotswapped.golden.md');
    await expect(renderSummary(report)).toMatchFileSnapshot('golden/summary-hotswapped.golden.md');
  });

  it('escapes what toolkit-lib reported', () => {
    const body = renderComment({
      ...report,
      stacks: [{ name: 'pr-42-api', outcome: 'hotswapped', hotswapped: '1 <img src=x>|@team' }],
    });
    expect(body).not.toContain('<img');
    expect(body).not.toContain('@team');
  });
});
