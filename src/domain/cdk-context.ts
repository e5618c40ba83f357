/**
 * The CDK context an app is synthesized with, merged as the CDK toolkit merges it (toolkit-lib's
 * CdkAppMultiContext and fromCdkApp): prenv's own context first, then cdk.json's `context`, then
 * cdk.context.json, then the `context` of the user's ~/.cdk.json; the toolkit's synth settings last.
 */

/** A JSON object of context values. */
export type ContextValues = Readonly<Record<string, unknown>>;

/** Where an app's context comes from, highest priority first. */
export interface ContextSources {
  /** What prenv passes: the context input and prenv:name, prenv:pull-request, prenv:sha. */
  readonly prenv: ContextValues;
  /** cdk.json's `context`. */
  readonly cdkJson: ContextValues;
  /** cdk.context.json (the values lookups saved). */
  readonly project: ContextValues;
  /** The `context` of ~/.cdk.json. */
  readonly user: ContextValues;
}

/**
 * What toolkit-lib adds to every synth with its default settings (path and asset metadata,
 * version reporting, bundling of every stack, validation reported by the toolkit, not the app).
 */
export const TOOLKIT_SYNTH_CONTEXT: ContextValues = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
  '@aws-cdk/core:failSynthOnValidationErrors': false,
};

/** The context the app receives in CDK_CONTEXT_JSON. */
export function appContext(sources: ContextSources): Record<string, unknown> {
  const merged = deepMerge(sources.user, sources.project, sources.cdkJson, sources.prenv);
  return { ...merged, ...TOOLKIT_SYNTH_CONTEXT };
}

/** Later objects win; nested objects merge key by key; undefined values are skipped. */
export function deepMerge(...objects: readonly ContextValues[]): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const source of objects) mergeInto(target, source);
  return target;
}

function mergeInto(target: Record<string, unknown>, source: ContextValues): void {
  for (const [key, value] of Object.entries(source)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    if (isObject(value)) {
      if (!isObject(target[key])) target[key] = {};
      mergeInto(target[key] as Record<string, unknown>, value);
    } else if (value !== undefined) {
      target[key] = value;
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
