import { z } from 'zod';

const LinkedInClientConfigSchema = z.object({
  apiBase: z.url(),
  oauthBase: z.url(),
  version: z.string().regex(/^\d{6}$/, 'LinkedIn-Version must be YYYYMM'),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUri: z.url(),
  requestTimeoutMs: z.number().int().positive(),
});

/** Everything the LinkedIn client needs; bases without a trailing slash are expected but not required. */
export type LinkedInClientConfig = z.infer<typeof LinkedInClientConfigSchema>;

export function parseClientConfig(config: LinkedInClientConfig): LinkedInClientConfig {
  const parsed = LinkedInClientConfigSchema.parse(config);
  return {
    ...parsed,
    apiBase: parsed.apiBase.replace(/\/+$/, ''),
    oauthBase: parsed.oauthBase.replace(/\/+$/, ''),
  };
}
