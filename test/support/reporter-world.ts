import { Reporter } from '../../src/workflows/reporter.js';
import { type FakeGitHub, FakeLog, FakeStep } from './fake-ports.js';

/** A Reporter on fake step and log ports, with the comment on unless told otherwise. */
export function reporterWorld(
  github: FakeGitHub | undefined,
  options: { comment?: boolean; runUrl?: string } = {},
) {
  const step = new FakeStep();
  const log = new FakeLog();
  const reporter = new Reporter({
    github,
    step,
    log,
    comment: options.comment ?? true,
    ...(options.runUrl === undefined ? {} : { runUrl: options.runUrl }),
  });
  return { step, log, reporter, github };
}
