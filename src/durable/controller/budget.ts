/**
 * @module The per-invocation Helix budget. The Workers Free plan allows 50 subrequests per invocation
 * (cloudflare.md §4.4); reconcile stops before it would exceed that, keeps its progress in storage and continues in
 * the next invocation (an alarm), so a 20,000-shard conduit never needs more in one go.
 */

/** Subrequests one invocation may spend on Helix: 50 minus room for a token mint and a validation. */
export const HELIX_BUDGET = 46;
/** A logical call can take up to three attempts (401 renew, 503 retry, rate-limit wait: helix-http.ts). */
export const ATTEMPTS_PER_CALL = 3;

export class BudgetExhausted extends Error {
  constructor() {
    super('subrequest budget for this invocation is spent; continuing in the next one');
    this.name = 'BudgetExhausted';
  }
}

export class Budget {
  /** Subrequests that are not Helix calls (a maintenance test challenge, issue #6). */
  private other = 0;

  constructor(
    private readonly spent: () => number,
    readonly limit = HELIX_BUDGET,
  ) {}

  /** Set once a guard has refused a call: the invocation stopped with work still ready to do. */
  exhausted = false;

  /** Throw before a call that might not fit. */
  guard(): void {
    if (this.used + ATTEMPTS_PER_CALL > this.limit) {
      this.exhausted = true;
      throw new BudgetExhausted();
    }
  }

  /** Count a subrequest made outside the Helix client. */
  note(): void {
    this.other++;
  }

  get used(): number {
    return this.spent() + this.other;
  }
}
