/** A cloud assembly in a directory of prenv's: reading its manifest and stacks, and writing its tags. */
import { access, readFile, rm, writeFile } from 'node:fs/promises';
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
  metadata?: Record<string, readonly { type?: string }[]>;
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

/** Annotation types the toolkit reports after a synth (and fails it on errors). */
const ANNOTATIONS = new Set(['aws:cdk:info', 'aws:cdk:warning', 'aws:cdk:error']);

/**
 * What a freshly synthesized assembly still needs from the toolkit: context lookups (the manifest
 * names missing context), or its report (annotations or a policy validation report to show, and
 * to fail on when they hold errors). Undefined: nothing, the assembly is ready.
 */
export async function pendingWork(
  directory: string,
): Promise<{ kind: 'lookups'; keys: string[] } | { kind: 'report' } | undefined> {
  const manifest = await readManifest(directory);
  const missing = manifest.missing ?? [];
  if (missing.length > 0) return { kind: 'lookups', keys: missing.map((entry) => entry.key ?? '?') };
  if (await exists(join(directory, 'validation-report.json'))) return { kind: 'report' };
  for (const artifact of Object.values(manifest.artifacts ?? {})) {
    const metadata = { ...artifact.metadata };
    if (artifact.additionalMetadataFile !== undefined) {
      Object.assign(
        metadata,
        JSON.parse(await readFile(join(directory, artifact.additionalMetadataFile), 'utf8')),
      );
    }
    const entries = Object.values(metadata).flat();
    if (entries.some((entry) => ANNOTATIONS.has(entry?.type ?? ''))) return { kind: 'report' };
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
