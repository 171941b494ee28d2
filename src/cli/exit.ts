/** Exit codes: 0 done (clean), 1 a policy gate failed (`--fail-on`), 2 error. */
export const EXIT = { ok: 0, policy: 1, error: 2 } as const;

/** Thrown when a scan ran fine but a gate failed: the CLI prints the message and exits 1. */
export class PolicyFailure extends Error {
  override readonly name = 'PolicyFailure';
}
