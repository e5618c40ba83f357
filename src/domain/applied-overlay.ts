/**
 * What a hotswap applied that the live CloudFormation template does not show. A hotswap updates
 * resources directly (no CloudFormation write), so the live template keeps the old code asset; the
 * next push's diff must start from what prenv applied instead. prenv keeps, per hotswapped resource,
 * the template values the hotswap applied (e.g. a function's Code and its asset Metadata), small
 * enough for the state store, and lays them over the live template before diffing.
 */

/** One resource's applied values: top-level keys (e.g. Metadata) and, under Properties, properties. */
export interface ResourceOverlay {
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** Logical id → what a hotswap applied to that resource. */
export type TemplateOverlay = Readonly<Record<string, ResourceOverlay>>;

/** The most a stack's overlay may take in the state (JSON characters): SSM's standard tier holds 4 KB. */
export const OVERLAY_LIMIT = 2_000;

/**
 * The values of `applied` that differ from `live` (both template resources: {Type, Properties, …});
 * undefined when nothing differs. A property the hotswap removed cannot be laid over, and is left out.
 */
export function resourceOverlay(live: unknown, applied: unknown): ResourceOverlay | undefined {
  if (!isObject(live) || !isObject(applied)) return undefined;
  const overlay: Record<string, unknown> = {};
  const liveProperties = isObject(live.Properties) ? live.Properties : {};
  const properties: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(isObject(applied.Properties) ? applied.Properties : {})) {
    if (!sameJson(liveProperties[name], value)) properties[name] = value;
  }
  if (Object.keys(properties).length > 0) overlay.Properties = properties;
  for (const [key, value] of Object.entries(applied)) {
    if (key === 'Properties' || key === 'Type') continue;
    if (!sameJson(live[key], value)) overlay[key] = value;
  }
  return Object.keys(overlay).length === 0 ? undefined : overlay;
}

/**
 * A stack's overlay after one more hotswap: the earlier one (the live template is still the same)
 * with this hotswap's resources laid over it. Resources that would take the stack past `limit` are
 * left out: the diff then shows their hotswapped values as changes, as it would without an overlay.
 */
export function mergeOverlays(
  earlier: TemplateOverlay | undefined,
  next: TemplateOverlay,
  limit = OVERLAY_LIMIT,
): TemplateOverlay {
  const merged: Record<string, ResourceOverlay> = {};
  for (const [logicalId, overlay] of Object.entries({ ...earlier, ...next })) {
    const previous = earlier?.[logicalId];
    const combined =
      previous === undefined || next[logicalId] === undefined
        ? overlay
        : {
            ...previous,
            ...overlay,
            Properties: { ...previous.Properties, ...overlay.Properties },
          };
    const candidate = { ...merged, [logicalId]: combined };
    if (JSON.stringify(candidate).length <= limit) merged[logicalId] = combined;
  }
  return merged;
}

/** The live template body with the overlay laid over its resources; undefined when it is not JSON. */
export function patchTemplate(body: string, overlay: TemplateOverlay): string | undefined {
  let template: unknown;
  try {
    template = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(template) || !isObject(template.Resources)) return undefined;
  const resources: Record<string, unknown> = { ...template.Resources };
  for (const [logicalId, applied] of Object.entries(overlay)) {
    const resource = resources[logicalId];
    if (!isObject(resource)) continue;
    const { Properties: properties, ...rest } = applied;
    resources[logicalId] = {
      ...resource,
      ...rest,
      ...(properties === undefined
        ? {}
        : { Properties: { ...(isObject(resource.Properties) ? resource.Properties : {}), ...properties } }),
    };
  }
  return JSON.stringify({ ...template, Resources: resources });
}

/** Reads an overlay back from the state document; undefined when it is not one. */
export function parseOverlay(value: unknown): TemplateOverlay | undefined {
  if (!isObject(value)) return undefined;
  const overlay: Record<string, ResourceOverlay> = {};
  for (const [logicalId, entry] of Object.entries(value)) {
    if (isObject(entry) && (entry.Properties === undefined || isObject(entry.Properties))) {
      overlay[logicalId] = entry as ResourceOverlay;
    }
  }
  return Object.keys(overlay).length === 0 ? undefined : overlay;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
