/** A cloud assembly in a directory of prenv's: reading its manifest and stacks, and writing its tags. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fingerprint } from '../domain/fingerprint.js';
import { ssmResolvedParameters } from '../domain/template.js';
import { DeployError } from '../errors.js';
import type { Assembly, Log, StackToDeploy, SynthesizedStack } from '../ports.js';

interface ManifestArtifact {
  type: string;
  /** aws://ACCOUNT/REGION, with unknown-account / unknown-region when not pinned. */
  environment?: string;
  properties?: {
    templateFile?: string;
    tags?: Record<string, string>;
    file?: string;
    stackName?: string;
    terminationProtection?: boolean;
  };
  dependencies?: string[];
  displayName?: string;
  /** Construct path → metadata entries (annotations among them). */
  metadata?: Record<string, readonly { type?: string; data?: unknown }[]>;
  /** A file beside manifest.json holding more of the metadata. */
  additionalMetadataFile?: string;
}

interface Manifest {
  artifacts?: Record<string, ManifestArtifact>;
  /** Context the app asked for and did not get: lookups the toolkit must make. */
  missing?: readonly { key?: string }[];
}

/** An assembly synthesized into a directory of ours. */
export class DirectoryAssembly implements Assembly {
  constructor(
    readonly directory: string,
    readonly stacks: readonly SynthesizedStack[],
    /** Stack name → artifact id in manifest.json. */
    readonly artifactIds: ReadonlyMap<string, string>,
    /** Stack name → hierarchical id, what stack selection matches on. */
    readonly selectors: ReadonlyMap<string, string>,
  ) {}

  async dispose(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true });
  }
}

/** The assembly's manifest.json. */
export async function readManifest(directory: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8')) as Manifest;
}

/** The stacks of an assembly directory, with what prenv needs of each (fingerprints among it). */
export async function readAssembly(directory: string): Promise<DirectoryAssembly> {
  const artifacts = (await readManifest(directory)).artifacts ?? {};
  const stackIds = Object.entries(artifacts).filter(
    ([, artifact]) => artifact.type === 'aws:cloudformation:stack',
  );
  const nameOf = (id: string) => artifacts[id]?.properties?.stackName ?? id;
  const stacks: SynthesizedStack[] = [];
  const artifactIds = new Map<string, string>();
  const selectors = new Map<string, string>();
  for (const [id, artifact] of stackIds) {
    const name = nameOf(id);
    const template = await readFile(join(directory, artifact.properties?.templateFile ?? ''), 'utf8');
    const assets: string[] = [];
    for (const dependency of artifact.dependencies ?? []) {
      const file =
        artifacts[dependency]?.type === 'cdk:asset-manifest'
          ? artifacts[dependency].properties?.file
          : undefined;
      if (file !== undefined) assets.push(await readFile(join(directory, file), 'utf8'));
    }
    const [account, region] = (artifact.environment ?? '').replace(/^aws:\/\//, '').split('/');
    stacks.push({
      name,
      ...(account && account !== 'unknown-account' ? { account } : {}),
      ...(region && region !== 'unknown-region' ? { region } : {}),
      dependencies: (artifact.dependencies ?? [])
        .filter((dependency) => artifacts[dependency]?.type === 'aws:cloudformation:stack')
        .map(nameOf),
      fingerprint: fingerprint({ template, tags: artifact.properties?.tags ?? {}, assets }),
      ssmParameters: ssmResolvedParameters(template),
    });
    artifactIds.set(name, id);
    selectors.set(name, artifact.displayName ?? id);
  }
  return new DirectoryAssembly(directory, stacks, artifactIds, selectors);
}

/**
 * Puts each stack's tags into the manifest, where the toolkit takes them from (keeping the app's
 * own), and turns termination protection off: a PR environment must stay deletable, and toolkit-lib
 * then also switches it off on a stack that has it on.
 */
export async function writeTags(
  assembly: DirectoryAssembly,
  stacks: readonly StackToDeploy[],
  log: Log,
): Promise<void> {
  const manifest = await readManifest(assembly.directory);
  for (const stack of stacks) {
    const artifact = manifest.artifacts?.[assembly.artifactIds.get(stack.name) ?? ''];
    if (artifact === undefined)
      throw new DeployError(`Stack ${stack.name} is not in the synthesized app`, stack.name);
    if (artifact.properties?.terminationProtection === true) {
      log.notice(
        `${stack.name} sets terminationProtection: prenv deploys it with termination protection off, ` +
          'so that the environment can be destroyed',
      );
    }
    artifact.properties = {
      ...artifact.properties,
      tags: { ...artifact.properties?.tags, ...stack.tags },
      terminationProtection: false,
    };
  }
  await writeFile(join(assembly.directory, 'manifest.json'), JSON.stringify(manifest, null, 1));
}

/** An annotation of the app's constructs that the toolkit shows but does not fail on. */
export interface AssemblyNote {
  readonly level: 'warning' | 'info';
  /** The construct path, e.g. /pr-42-api/Handler. */
  readonly path: string;
  readonly message: string;
}

/** What a freshly synthesized assembly still needs before prenv can use it. */
export interface AssemblyFindings {
  /** Context keys the app asked for and did not get: lookups the toolkit must make. */
  readonly lookups: readonly string[];
  /** Annotations at error level, or policy validation violations: the toolkit reports them and fails the synth. */
  readonly errors: boolean;
  /** Warnings and infos to show. */
  readonly notes: readonly AssemblyNote[];
}

const NOTE_LEVELS: Readonly<Record<string, AssemblyNote['level'] | 'error' | undefined>> = {
  'aws:cdk:info': 'info',
  'aws:cdk:warning': 'warning',
  'aws:cdk:error': 'error',
};

/** Reads what an assembly asks of the toolkit: missing context, errors to report, notes to show. */
export async function assemblyFindings(directory: string): Promise<AssemblyFindings> {
  const manifest = await readManifest(directory);
  const lookups = (manifest.missing ?? []).map((entry) => entry.key ?? '?');
  let errors = await hasViolations(directory);
  const notes: AssemblyNote[] = [];
  for (const artifact of Object.values(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    for (const [path, entries] of Object.entries(await metadataOf(directory, artifact))) {
      for (const entry of entries) {
        const level = NOTE_LEVELS[entry.type ?? ''];
        if (level === 'error') errors = true;
        else if (level !== undefined) notes.push({ level, path, message: textOf(entry.data) });
      }
    }
  }
  return { lookups, errors, notes };
}

async function metadataOf(
  directory: string,
  artifact: ManifestArtifact,
): Promise<Record<string, readonly { type?: string; data?: unknown }[]>> {
  const metadata = { ...artifact.metadata };
  if (artifact.additionalMetadataFile !== undefined) {
    Object.assign(
      metadata,
      JSON.parse(await readFile(join(directory, artifact.additionalMetadataFile), 'utf8')),
    );
  }
  return metadata;
}

/** Whether validation-report.json (written by every recent aws-cdk-lib, usually empty) holds violations. */
async function hasViolations(directory: string): Promise<boolean> {
  let report: { pluginReports?: readonly { violations?: readonly unknown[]; conclusion?: string }[] };
  try {
    report = JSON.parse(await readFile(join(directory, 'validation-report.json'), 'utf8'));
  } catch {
    return false;
  }
  return (report.pluginReports ?? []).some(
    (plugin) => (plugin.violations ?? []).length > 0 || plugin.conclusion === 'failure',
  );
}

function textOf(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data);
}
