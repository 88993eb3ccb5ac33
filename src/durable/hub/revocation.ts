/**
 * @module The status of a revocation body (`{"subscription": {... "status": "<reason>"}}`, twitch-eventsub.md §3.4),
 * read once at ingest so the hub's revocation table can show why without parsing bodies later.
 */

export function revocationStatus(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'subscription' in parsed) {
      const sub: unknown = parsed.subscription;
      if (typeof sub === 'object' && sub !== null && 'status' in sub && typeof sub.status === 'string') {
        return sub.status;
      }
    }
  } catch {
    // A verified body is JSON; anything else is reported as unknown rather than refused after the fact.
  }
  return 'unknown';
}
