/**
 * What a hotswap changed, in words: toolkit-lib reports each hotswapped resource with its
 * CloudFormation type and the properties that changed; people read "1 Lambda function's code".
 */

import type { ResourceOverlay, TemplateOverlay } from './applied-overlay.js';

/** One resource a hotswap updated directly (no CloudFormation write). */
export interface HotswappedResource {
  /** CloudFormation type, e.g. AWS::Lambda::Function. */
  readonly type: string;
  /** The template properties that changed, e.g. Code, Environment. */
  readonly properties: readonly string[];
  /** The resource's logical id, when toolkit-lib names it. */
  readonly logicalId?: string;
  /** What the hotswap applied that the live template does not show. */
  readonly overlay?: ResourceOverlay;
}

const NOUNS: Readonly<Record<string, readonly [singular: string, plural: string]>> = {
  'AWS::Lambda::Function': ['Lambda function', 'Lambda functions'],
  'AWS::StepFunctions::StateMachine': ['Step Functions state machine', 'Step Functions state machines'],
  'AWS::ECS::TaskDefinition': ['ECS task definition', 'ECS task definitions'],
  'AWS::CodeBuild::Project': ['CodeBuild project', 'CodeBuild projects'],
  'AWS::AppSync::Resolver': ['AppSync resolver', 'AppSync resolvers'],
  'AWS::AppSync::FunctionConfiguration': ['AppSync function', 'AppSync functions'],
  'AWS::AppSync::GraphQLSchema': ['AppSync schema', 'AppSync schemas'],
  'Custom::CDKBucketDeployment': ['bucket deployment', 'bucket deployments'],
};

const PROPERTY_WORDS: Readonly<Record<string, string>> = {
  Code: 'code',
  Environment: 'environment',
  Description: 'description',
  DefinitionString: 'definition',
  Definition: 'definition',
  ContainerDefinitions: 'containers',
};

/** "1 Lambda function's code", "2 Lambda functions' code and 1 ECS task definition"; '' for none. */
export function describeHotswap(resources: readonly HotswappedResource[]): string {
  const groups = new Map<string, { type: string; what: string; count: number }>();
  for (const resource of resources) {
    const what = [...new Set(resource.properties.map((name) => PROPERTY_WORDS[name] ?? name))]
      .sort()
      .join(' and ');
    const key = `${resource.type}\u0000${what}`;
    const group = groups.get(key) ?? { type: resource.type, what, count: 0 };
    group.count += 1;
    groups.set(key, group);
  }
  const phrases = [...groups.values()].map(({ type, what, count }) => {
    const [singular, plural] = NOUNS[type] ?? [type, type];
    if (what === '') return `${count} ${count === 1 ? singular : plural}`;
    const possessive = count === 1 ? `${singular}'s` : plural.endsWith('s') ? `${plural}'` : `${plural}'s`;
    return `${count} ${possessive} ${what}`;
  });
  if (phrases.length <= 1) return phrases[0] ?? '';
  return `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)}`;
}

/** The overlay of a stack's hotswapped resources, by logical id (resources without one are left out). */
export function hotswapOverlay(resources: readonly HotswappedResource[]): TemplateOverlay {
  const overlay: Record<string, ResourceOverlay> = {};
  for (const { logicalId, overlay: applied } of resources) {
    if (logicalId !== undefined && applied !== undefined) overlay[logicalId] = applied;
  }
  return overlay;
}
