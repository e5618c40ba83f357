import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.js';
import { InvoicesStack } from '../../infra/invoices-stack.js';

/**
 * Synthesizes the app as `cdk synth` would, but skips esbuild bundling (CDK's `aws:cdk:bundling-stacks`
 * context) and CDK's built-in template validation so the assertions stay fast: they are about the
 * template, not the bundle; `cdk synth` still validates.
 */
export function synthStack(context: Record<string, string> = { 'prenv:name': 'pr-7' }) {
  const app = buildApp(
    new App({
      context: { ...context, 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    }),
  );
  const stack = app.node.children.find((child) => child instanceof InvoicesStack);
  if (stack === undefined) throw new Error('no InvoicesStack in the app');
  return { app, stack, template: Template.fromStack(stack) };
}
