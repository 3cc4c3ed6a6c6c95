import { z } from 'zod';
import type { LinkedInClientConfig } from './config';
import { parseJsonObject } from './errors';
import { sendRequest } from './http';
import {
  failureFromResponse,
  failureFromResult,
  unknownOutcome,
  type LinkedInFailure,
} from './outcomes';
import { isNotFound, restHeaders } from './posts';

export type SocialActionsOutcome =
  { kind: 'found'; reactions: number; comments: number } | { kind: 'not_found' } | LinkedInFailure;

const SummarySchema = z.object({
  likesSummary: z.object({ totalLikes: z.number().int().nonnegative() }),
  commentsSummary: z.object({ aggregatedTotalComments: z.number().int().nonnegative() }),
});

/** `GET /rest/socialActions/{urn}`: reactions and comments; needs the author's read scope. */
export async function getSocialActions(
  config: LinkedInClientConfig,
  input: { accessToken: string; urn: string },
): Promise<SocialActionsOutcome> {
  const result = await sendRequest({
    url: `${config.apiBase}/rest/socialActions/${encodeURIComponent(input.urn)}`,
    method: 'GET',
    headers: restHeaders(config, input.accessToken),
    timeoutMs: config.requestTimeoutMs,
  });
  if (!result.ok) return failureFromResult(result);
  const { response } = result;
  if (isNotFound(response)) return { kind: 'not_found' };
  if (response.status !== 200) return failureFromResponse(response);
  const summary = SummarySchema.safeParse(parseJsonObject(response.body));
  if (!summary.success) return unknownOutcome('malformed', response);
  return {
    kind: 'found',
    reactions: summary.data.likesSummary.totalLikes,
    comments: summary.data.commentsSummary.aggregatedTotalComments,
  };
}
