import { mergeOverlays, type TemplateOverlay } from '../domain/applied-overlay.js';
import { templateHash } from '../domain/fingerprint.js';
import { isoSeconds } from '../domain/ownership.js';
import { type EnvironmentState, type StackState, withStack } from '../domain/state.js';
import { messageOf } from '../errors.js';
import type { SynthesizedStack } from '../ports.js';
import type { DeployPorts, DeployRequest } from './deploy-types.js';

/**
 * Records each stack in the environment's state as soon as it is deployed (one write at a time),
 * so a deploy that fails half-way keeps what succeeded. A record holds the fingerprint, the commit
 * and the hash of the live template read back with GetTemplate.
 */
export class StateRecorder {
  private state: EnvironmentState;
  private queue: Promise<void> = Promise.resolve();
  private readonly recorded = new Set<string>();
  /** The stacks whose record could not be written, and the first error: warned about at flush. */
  private readonly unrecorded: string[] = [];
  private firstError: unknown;

  constructor(
    initial: EnvironmentState,
    private readonly stacks: readonly SynthesizedStack[],
    private readonly request: DeployRequest,
    private readonly ports: DeployPorts,
  ) {
    this.state = initial;
  }

  /**
   * Queues the record of a stack that was just deployed (or hotswapped: it then carries code its
   * CloudFormation template does not have); a second call for it does nothing.
   */
  record(name: string, via: StackState['via'], overlay: TemplateOverlay = {}): void {
    if (this.recorded.has(name)) return;
    this.recorded.add(name);
    this.queue = this.queue.then(() => this.write(name, via, overlay));
  }

  /** Waits until every queued record is written; one warning names every stack that could not be recorded. */
  async flush(): Promise<void> {
    await this.queue;
    if (this.unrecorded.length === 0) return;
    const names = this.unrecorded.splice(0).join(', ');
    this.ports.log.warning(
      `Could not record what was deployed (${messageOf(this.firstError)}): the next push deploys ${names} again.`,
    );
  }

  private async write(name: string, via: StackState['via'], overlay: TemplateOverlay): Promise<void> {
    const stack = this.stacks.find((candidate) => candidate.name === name);
    if (stack === undefined) return;
    const { ports, request } = this;
    try {
      const body = await ports.stacks.template(name);
      if (body === undefined) return;
      const applied = via === 'hotswap' ? this.applied(name, overlay) : {};
      const next = withStack(
        this.state,
        name,
        {
          fingerprint: stack.fingerprint,
          templateHash: templateHash(body),
          sha: request.sha,
          deployedAt: isoSeconds(ports.clock.now()),
          via,
          ...(Object.keys(applied).length === 0 ? {} : { applied }),
        },
        this.stacks.map((candidate) => candidate.name),
      );
      await ports.state.write(request.environment, next);
      this.state = next;
    } catch (error) {
      if (this.unrecorded.length === 0) this.firstError = error;
      this.unrecorded.push(name);
    }
  }

  /** A hotswapped stack's overlay: the earlier hotswaps' (the live template is unchanged) and this one's. */
  private applied(name: string, overlay: TemplateOverlay): TemplateOverlay {
    const earlier = this.state.stacks[name];
    return mergeOverlays(earlier?.via === 'hotswap' ? earlier.applied : undefined, overlay);
  }
}
