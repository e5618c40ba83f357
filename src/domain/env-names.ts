/**
 * Which environment variable names PR code never gets, and which names a stack output may never
 * take. Pure rules: the adapters and workflows apply them.
 */

/**
 * What PR code (the CDK app, asset builds, the e2e command) never holds: the action's inputs (the
 * GitHub token among them), GitHub tokens set in a step's `env:`, and the means to mint OIDC or
 * runtime tokens.
 */
const WITHHELD =
  /^(INPUT_.*|ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)|ACTIONS_RUNTIME_TOKEN|GITHUB_TOKEN|GH_TOKEN)$/i;

/** True when PR code must not see this variable. */
export function isWithheld(name: string): boolean {
  return WITHHELD.test(name);
}

/**
 * Names that change how programs start or behave (the dynamic loader, shells, Node, npm, git,
 * Python, Perl, Ruby, Java) or that belong to the runner, AWS or prenv itself.
 */
const UNSAFE = [
  /^LD_/,
  /^DYLD_/,
  /^BASH_ENV$/,
  /^ENV$/,
  /^NODE_/,
  /^NPM_CONFIG_/,
  /^GIT_/,
  /^PYTHON/,
  /^PERL/,
  /^RUBY/,
  /^(JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS)$/,
  /^(PATH|HOME|SHELL|USER|PWD|IFS|PS4|SHELLOPTS|BASHOPTS)$/,
  /^(AWS|PRENV|GITHUB|RUNNER|ACTIONS|INPUT)_/,
];

/** True when a stack output must never become an environment variable of this name. */
export function isUnsafeVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return UNSAFE.some((pattern) => pattern.test(upper));
}
