import { describeFinding } from '../domain/comment-infra.js';
import { gateReason, type InfraChanges, securityFindings, statefulLosses } from '../domain/infra-diff.js';
import { BREAK, oneLine, unwrapCodeSpans } from '../domain/markdown.js';
import { sameLabel } from '../domain/plan.js';
import { BlockedError, messageOf } from '../errors.js';
import type { Assembly } from '../ports.js';
import { diffBases } from './deploy-diff-base.js';
import type { DeployPlan } from './deploy-inspect.js';
import type { DeployRecord } from './deploy-record.js';
import type { DeployPorts, DeployRequest } from './deploy-types.js';

const LOG_LIMITS = { failures: 0, outputs: 0, stacks: 0, notes: 0, environments: 0, text: 300 };

/**
 * Before any stack is written: compares the stacks about to be deployed with their live templates
 * (as the plan read them; no change set), records the changes for the report, and stops the deploy when fail-on names one of
 * them and the PR does not carry approve-label now.
 */
export async function reviewChanges(
  assembly: Assembly,
  plan: DeployPlan,
  request: DeployRequest,
  ports: DeployPorts,
  record: DeployRecord,
): Promise<void> {
  if (plan.changed.length === 0) return;
  const { failOn } = request.inputs;
  let changes: InfraChanges;
  try {
    const names = plan.changed.map((stack) => stack.name);
    const bases = await diffBases(plan, ports);
    changes = await ports.log.group('Diff against the deployed templates', () =>
      ports.cdk.diff(assembly, names, bases),
    );
  } catch (error) {
    // fail-on cannot be honoured without the diff: stop rather than deploy unchecked.
    if (failOn !== 'none') throw error;
    ports.log.warning(`${messageOf(error)}; deploying without the infrastructure diff.`);
    return;
  }
  changes = {
    stacks: changes.stacks.map((stack) => ({ ...stack, firstDeploy: !plan.existing.has(stack.stack) })),
  };
  record.changes = changes;
  logFindings(changes, ports);
  const reason = gateReason(changes, failOn);
  if (reason === undefined) return;
  const label = request.inputs.approveLabel;
  if (label !== undefined && (await carriesLabel(request, ports, label))) {
    const note = `fail-on ${failOn}: ${reason}, approved by the label ${label}.`;
    ports.log.notice(note);
    record.notes.push(note);
    return;
  }
  record.blocked = { failOn, reason, ...(label === undefined ? {} : { approveLabel: label }) };
  throw new BlockedError(
    `This push makes ${reason} and fail-on is ${failOn}: nothing was deployed.` +
      (label === undefined
        ? ' Set approve-label to let a reviewer approve such changes.'
        : ` Add the label ${label} to the pull request to approve it; that runs the deploy again.`),
  );
}

/** Whether the PR carries the label now, read from the API (a re-run replays an old event payload). */
async function carriesLabel(request: DeployRequest, ports: DeployPorts, label: string): Promise<boolean> {
  try {
    const pr = await ports.github?.pullRequest(request.pullRequest);
    return pr?.labels.some((name) => sameLabel(name, label)) === true;
  } catch (error) {
    ports.log.warning(
      `Could not read the labels of PR #${request.pullRequest} (${messageOf(error)}): treating ${label} as absent.`,
    );
    return false;
  }
}

function logFindings(changes: InfraChanges, ports: DeployPorts): void {
  const findings = securityFindings(changes);
  for (const finding of findings) {
    ports.log.warning(`Security-relevant change: ${plain(describeFinding(finding, LOG_LIMITS))}`);
  }
  for (const { stack, resource } of statefulLosses(changes)) {
    ports.log.warning(
      `${stack}: ${resource.logicalId} (${resource.type}) will be ${resource.kind}: its data is lost`,
    );
  }
}

/** A rendered markdown line back to log text: code spans unwrapped. */
function plain(markdown: string): string {
  return oneLine(unwrapCodeSpans(markdown).replaceAll(BREAK, ''));
}
