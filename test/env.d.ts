/** Bindings the test configuration adds on top of wrangler.toml (vitest.config.ts). */
declare namespace Cloudflare {
  interface Env {
    SIM_BASE: string;
    CONSUMER_TOKEN?: string;
    /** Cases per fuzz run; empty: each fuzz test's default. */
    FUZZ_CASES?: string;
  }
}
