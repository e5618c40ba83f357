/**
 * The infrastructure diff without toolkit-lib: @aws-cdk/cloudformation-diff compares the template
 * prenv already read (the live one, or what prenv applied after a hotswap) with the assembly's, and
 * formats it the way toolkit-lib's diff does (its DiffFormatter: same header, filters and paths).
 * Loaded on first use (cdk-toolkit.ts imports it lazily): the resource spec it reads is large.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import cloudformationDiff, { type FormatStream, type TemplateDiff } from '@aws-cdk/cloudformation-diff';
import type { InfraChanges } from '../domain/infra-diff.js';
import { DiffError, messageOf } from '../errors.js';
import type { AwsSession } from '../ports.js';
import { type DirectoryAssembly, readManifest } from './cdk-assembly.js';
import { stackChanges } from './cdk-diff.js';

// CommonJS, bundled as a file of its own that toolkit-lib shares (scripts/build.mjs): its export names are
// not visible to `import { … }` there, so they are read from the module object.
const { formatDifferences, fullDiff, mangleLikeCloudFormation } = cloudformationDiff;

type Template = Record<string, unknown>;
type Metadata = Record<string, readonly { type?: string; data?: unknown }[]>;

/** One stack's templates and how toolkit-lib names it. */
export interface StackTemplates {
  /** toolkit-lib's display name: the hierarchical id, with the stack name when it differs. */
  readonly displayName: string;
  /** aws://ACCOUNT/REGION, shown after the name; none: no environment shown. */
  readonly environment?: string;
  readonly oldTemplate: Template;
  readonly newTemplate: Template;
  /** Logical id → construct path from the assembly's metadata (resources without aws:cdk:path). */
  readonly logicalIds?: Readonly<Record<string, string>>;
}

/**
 * Loads the resource-spec database the diff reads (about half a second of synchronous work, once per
 * process; toolkit-lib's deploy shares it): done while the CDK app runs, it is off the deploy's path.
 */
export function warmUp(): void {
  const queue = (name: string) => ({
    Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: name } } },
  });
  fullDiff(queue('a'), queue('b'));
}

/**
 * Each stack's changes against the template body in `bases`; a stack not there is new (an empty
 * template). Reads only the assembly directory: no AWS call, no toolkit-lib.
 */
export async function diffStacks(
  assembly: DirectoryAssembly,
  stacks: readonly string[],
  bases: ReadonlyMap<string, string>,
  session: Pick<AwsSession, 'account' | 'region'>,
): Promise<InfraChanges> {
  if (stacks.length === 0) return { stacks: [] };
  try {
    const manifest = await readManifest(assembly.directory);
    const changes = [];
    for (const name of stacks) {
      const id = assembly.artifactIds.get(name) ?? name;
      const artifact = manifest.artifacts?.[id];
      if (artifact === undefined) continue;
      const file = join(assembly.directory, artifact.properties?.templateFile ?? '');
      const newTemplate = JSON.parse(await readFile(file, 'utf8')) as Template;
      const base = bases.get(name);
      const metadata = await metadataOf(assembly.directory, artifact);
      const hierarchicalId = artifact.displayName ?? id;
      const { diff, text } = formatStackDiff({
        displayName: name === id ? hierarchicalId : `${hierarchicalId} (${name})`,
        environment: environmentOf(artifact.environment, session),
        oldTemplate: base === undefined ? {} : (JSON.parse(base) as Template),
        newTemplate,
        logicalIds: logicalIdsOf(metadata, newTemplate),
      });
      changes.push(stackChanges(name, diff, text));
    }
    return { stacks: changes };
  } catch (error) {
    throw new DiffError(`Could not compare the stacks with their live templates: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/**
 * A stack's TemplateDiff and its text as toolkit-lib's DiffFormatter.formatStackDiff writes it (not
 * strict, 3 context lines, no nested stacks): CDK metadata and the bootstrap-version rule hidden,
 * changes that are only CloudFormation's mangling of non-ASCII characters omitted.
 */
export function formatStackDiff(stack: StackTemplates): { diff: TemplateDiff; text: string } {
  const { oldTemplate, newTemplate } = stack;
  const diff = fullDiff(oldTemplate, newTemplate);
  const out = new TextStream();
  out.write(
    `Stack ${stack.displayName}${stack.environment === undefined ? '' : ` (${stack.environment})`}\n`,
  );
  let shown = diff;
  let omitted = 0;
  if (diff.differenceCount > 0) {
    const mangled = fullDiff(oldTemplate, JSON.parse(mangleLikeCloudFormation(JSON.stringify(newTemplate))));
    omitted = Math.max(0, diff.differenceCount - mangled.differenceCount);
    if (omitted > 0) shown = mangled;
  }
  const wasNonEmpty = !shown.isEmpty;
  hideCdkInternals(shown);
  if (!shown.isEmpty) {
    const paths = { ...pathsOf(oldTemplate), ...pathsOf(newTemplate), ...stack.logicalIds };
    formatDifferences(out as unknown as FormatStream, shown, paths, 3);
  } else {
    const hint = wasNonEmpty ? ' (CDK metadata changes were hidden, run cdk diff --strict to show)' : '';
    out.write(`There were no differences${hint}\n`);
  }
  if (omitted > 0) {
    out.write(
      `Omitted ${omitted} changes because they are likely mangled non-ASCII characters. Use --strict to print them.\n`,
    );
  }
  return { diff, text: out.text() };
}

/** The artifact's environment with the session's account and region where the app left them open. */
function environmentOf(environment: string | undefined, session: Pick<AwsSession, 'account' | 'region'>) {
  const [account, region] = (environment ?? '').replace(/^aws:\/\//, '').split('/');
  const pinned = (value: string | undefined, unknown: string) =>
    value === undefined || value === '' || value === unknown ? undefined : value;
  return `aws://${pinned(account, 'unknown-account') ?? session.account}/${pinned(region, 'unknown-region') ?? session.region}`;
}

/** The artifact's metadata, with what it keeps in a file beside the manifest. */
async function metadataOf(
  directory: string,
  artifact: { metadata?: Metadata; additionalMetadataFile?: string },
): Promise<Metadata> {
  const all: Record<string, { type?: string; data?: unknown }[]> = {};
  if (artifact.additionalMetadataFile !== undefined) {
    const extra = JSON.parse(
      await readFile(join(directory, artifact.additionalMetadataFile), 'utf8'),
    ) as Metadata;
    for (const [path, entries] of Object.entries(extra)) all[path] = [...entries];
  }
  for (const [path, entries] of Object.entries(artifact.metadata ?? {})) {
    all[path] = [...(all[path] ?? []), ...entries];
  }
  return all;
}

/** Logical id → construct path as toolkit-lib's buildLogicalToPathMap builds it for the new template. */
function logicalIdsOf(metadata: Metadata, template: Template): Record<string, string> {
  const paths = pathsOf(template);
  const own = new Set<string>();
  for (const section of ['Resources', 'Parameters', 'Conditions', 'Outputs', 'Rules', 'Mappings']) {
    for (const id of Object.keys((template[section] as object | undefined) ?? {})) own.add(id);
  }
  for (const [path, entries] of Object.entries(metadata)) {
    for (const entry of entries) {
      if (entry.type !== 'aws:cdk:logicalId' || typeof entry.data !== 'string') continue;
      if (entry.data in paths || !own.has(entry.data)) continue;
      paths[entry.data] = path;
    }
  }
  return paths;
}

/** Logical id → the aws:cdk:path of each resource that carries one. */
function pathsOf(template: Template): Record<string, string> {
  const paths: Record<string, string> = {};
  const resources = (template.Resources ?? {}) as Record<
    string,
    { Metadata?: Record<string, unknown> } | null
  >;
  for (const [id, resource] of Object.entries(resources)) {
    const path = resource?.Metadata?.['aws:cdk:path'];
    if (typeof path === 'string' && path !== '') paths[id] = path;
  }
  return paths;
}

/** Drops the AWS::CDK::Metadata resource and the CheckBootstrapVersion rule from what is shown. */
function hideCdkInternals(diff: TemplateDiff): void {
  diff.unknown = diff.unknown.filter(
    (change) => !(change?.newValue?.CheckBootstrapVersion || change?.oldValue?.CheckBootstrapVersion),
  );
  diff.resources = diff.resources.filter(
    (change) =>
      change === undefined ||
      (change.newResourceType !== 'AWS::CDK::Metadata' && change.oldResourceType !== 'AWS::CDK::Metadata'),
  );
}

/** What formatDifferences writes, collected as text; tables fit the terminal's width as toolkit-lib's do. */
class TextStream {
  private readonly parts: string[] = [];
  get columns(): number | undefined {
    if (process.stdout.columns !== undefined) return process.stdout.columns;
    const columns = Number(process.env.COLUMNS);
    return Number.isInteger(columns) && columns > 0 ? columns : undefined;
  }
  write(chunk: unknown): boolean {
    this.parts.push(String(chunk));
    return true;
  }
  text(): string {
    return this.parts.join('');
  }
}
