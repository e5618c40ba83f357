import { concealOutputs } from '../domain/hidden-outputs.js';
import type { InfraChanges } from '../domain/infra-diff.js';
import type { ArrangedOutputs } from '../domain/outputs.js';
import { isoSeconds } from '../domain/ownership.js';
import type { BlockedDeploy, EnvironmentReport, StackOutput, StackReport } from '../domain/report.js';
import type { Clock, StepPort } from '../ports.js';
import type { DeployRequest } from './deploy-types.js';
import { saveRunState } from './run-state.js';

/** Durations of the deploy's phases, in milliseconds. */
export interface DeployTimings {
  synth?: number;
  deploy?: number;
  tests?: number;
}

/** What a deploy has done so far: the stacks' outcomes and timings, and how to report them. */
export class DeployRecord {
  readonly stacks = new Map<string, StackReport>();
  readonly timings: DeployTimings = {};
  /** Every output of the app's stacks, once read after the deploy. */
  outputs: readonly StackOutput[] | undefined;
  /** What the push changes, once diffed against the live templates. */
  changes: InfraChanges | undefined;
  /** Set when fail-on stopped the deploy. */
  blocked: BlockedDeploy | undefined;
  /** prenv's notes for the reader (e.g. a fail-on approval). */
  readonly notes: string[] = [];
  /** True once any stack was written: a failure from then on leaves a deployed environment. */
  deployedAny = false;
  private readonly started: number;

  constructor(
    private readonly request: DeployRequest,
    private readonly clock: Clock,
    private readonly step: StepPort,
  ) {
    this.started = clock.now().getTime();
  }

  /** The environment's name. */
  get environment(): string {
    return this.request.environment;
  }

  /** Milliseconds since the deploy started. */
  elapsed(): number {
    return this.clock.now().getTime() - this.started;
  }

  /** Runs fn and records how long it took under that phase's name. */
  async time<T>(phase: keyof DeployTimings, fn: () => Promise<T>): Promise<T> {
    const start = this.clock.now().getTime();
    try {
      return await fn();
    } finally {
      this.timings[phase] = this.clock.now().getTime() - start;
    }
  }

  /** The stacks' reports so far. */
  stackReports(): StackReport[] {
    return [...this.stacks.values()];
  }

  /** The timings so far, with the total when the run is over. */
  timingsSoFar(final: boolean): DeployTimings & { total?: number } {
    return final ? { ...this.timings, total: this.elapsed() } : { ...this.timings };
  }

  /** Sets what happened to one stack. */
  setStack(report: StackReport): void {
    this.stacks.set(report.name, report);
  }

  /** The environment's report, with this run's stacks and timings; hidden outputs show no value. */
  report(fields: Omit<EnvironmentReport, ReportBase | 'updatedAt'>): EnvironmentReport {
    const { request } = this;
    const { url, outputs, ...rest } = fields;
    const shown = outputs === undefined ? undefined : concealOutputs(outputs, request.inputs.hideOutputs);
    const shownUrl = url === undefined ? undefined : this.visibleUrl(url);
    return {
      environment: request.environment,
      repository: request.repository,
      pullRequest: request.pullRequest,
      sha: request.sha,
      ...(request.runUrl === undefined ? {} : { runUrl: request.runUrl }),
      ...(request.repositoryUrl === undefined ? {} : { repositoryUrl: request.repositoryUrl }),
      ...(this.changes === undefined ? {} : { changes: this.changes }),
      ...(this.blocked === undefined ? {} : { blocked: this.blocked }),
      ...rest,
      ...(this.notes.length === 0 ? {} : { notes: [...this.notes, ...(rest.notes ?? [])] }),
      ...(shown === undefined ? {} : { outputs: shown }),
      ...(shownUrl === undefined ? {} : { url: shownUrl }),
      updatedAt: isoSeconds(this.clock.now()),
    };
  }

  /** The URL, unless it is the value of a hidden output (then it is a secret, not a link). */
  visibleUrl(url: string): string | undefined {
    const outputs = this.outputs ?? [];
    const hidden = concealOutputs(outputs, this.request.inputs.hideOutputs);
    return hidden.some((output, index) => output.hidden === true && outputs[index]?.value === url)
      ? undefined
      : url;
  }

  /** Tells the post step how far the deploy got. */
  saveProgress(stacks: readonly string[]): void {
    const { request } = this;
    saveRunState(this.step, {
      phase: 'deploying',
      environment: request.environment,
      pullRequest: request.pullRequest,
      sha: request.sha,
      stacks,
    });
  }

  /** Tells the post step that nothing is left for it to report. */
  markDone(): void {
    saveRunState(this.step, { phase: 'done' });
  }

  /** Marks the run done for the post step and sets the step outputs. */
  finish(arranged: ArrangedOutputs | undefined, testResult: string): void {
    this.markDone();
    this.setOutputs(arranged, testResult);
  }

  /** Sets the step outputs: the environment, its stacks, their outputs and URL, the test result. */
  setOutputs(arranged: ArrangedOutputs | undefined, testResult: string): void {
    this.step.setOutput('environment', this.request.environment);
    this.step.setOutput('stacks', JSON.stringify([...this.stacks.keys()]));
    this.step.setOutput('outputs', JSON.stringify(arranged?.flat ?? {}));
    this.step.setOutput('url', arranged?.url ?? '');
    this.step.setOutput('test-result', testResult);
  }
}

type ReportBase = 'environment' | 'repository' | 'pullRequest' | 'sha' | 'runUrl' | 'repositoryUrl';
