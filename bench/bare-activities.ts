// The bare arm's activities: no database, no audit. `publish` posts to the same stand-in as our
// outlet does (answered 201 after 20 ms), so both arms' posts land in one ledger.

export interface BareOutlet {
  /** The stand-in's base URL. */
  url: string;
  accessToken: string;
  /** `urn:li:person:…` of the connected member. */
  author: string;
  linkedinVersion: string;
}

export function createBareActivities(outlet: BareOutlet) {
  return {
    async validate(_key: string): Promise<void> {},
    async record(): Promise<void> {},
    async publish(key: string): Promise<void> {
      const response = await fetch(`${outlet.url}/rest/posts`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${outlet.accessToken}`,
          'content-type': 'application/json',
          'linkedin-version': outlet.linkedinVersion,
          'x-restli-protocol-version': '2.0.0',
        },
        body: JSON.stringify({
          author: outlet.author,
          commentary: `Bench item ${key} #bench`,
          visibility: 'PUBLIC',
          distribution: { feedDistribution: 'MAIN_FEED' },
          lifecycleState: 'PUBLISHED',
        }),
      });
      const text = await response.text();
      // A retry after an unanswered create is a duplicate naming the first post: done.
      if (response.status === 201 || text.includes('DUPLICATE_POST')) return;
      throw new Error(`stand-in answered ${response.status}`);
    },
  };
}

export type BareActivities = ReturnType<typeof createBareActivities>;
