// The environment of the processes the action starts (the interpreter probe, the harness and the code it measures).
// A `run:` step sees none of the runner's credentials for the action itself; the measured code should not either,
// nor be able to set this step's outputs, the job's environment or its summary through the runner's files.

/** Exact names the runner gives an action for its own use. */
const ACTION_ONLY = new Set([
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  // The action's default token (see loadConfig's defaultToken); measured code has no use for it.
  'GITHUB_TOKEN',
  // The step's command files: writing to them sets this step's outputs, the job's environment, PATH or state.
  'GITHUB_OUTPUT',
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
])

/** Prefixes of the same: every action input (the github-token input included) and the OIDC token request. */
const ACTION_ONLY_PREFIXES = ['INPUT_', 'ACTIONS_ID_TOKEN_REQUEST_']

/** `env` without what belongs to the action alone. */
export function childEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) =>
        !ACTION_ONLY.has(name.toUpperCase()) &&
        !ACTION_ONLY_PREFIXES.some((prefix) => name.toUpperCase().startsWith(prefix)),
    ),
  )
}
