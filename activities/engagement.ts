import { publicationKey } from '../contracts/ids';
import type { EngagementResult } from '../contracts/workflow';
import type { Db } from '../platform/db/client';
import type { Outlet } from '../outlets/outlet';

export function createEngagementActivities({
  db,
  outlets,
}: {
  db: Db;
  outlets: Record<string, Outlet>;
}) {
  return {
    /** Reads and stores one checkpoint's statistics; a refusal is recorded once and ends the follow-up. */
    async collectEngagement(input: {
      workflowId: string;
      outlet: string;
      /** The publication's target key; older follow-ups name the outlet alone. */
      target?: string;
      checkpoint: string;
    }): Promise<EngagementResult> {
      const publication = await db.publication.findUnique({
        where: { idempotencyKey: publicationKey(input.workflowId, input.target ?? input.outlet) },
        select: { id: true, postUrn: true, state: true, channelId: true },
      });
      const outlet = outlets[input.outlet];
      const reading =
        !publication?.postUrn || publication.state !== 'confirmed'
          ? ({ kind: 'unavailable', message: 'no confirmed post' } as const)
          : outlet?.readEngagement
            ? await outlet.readEngagement(publication.postUrn, publication.channelId)
            : ({ kind: 'refused', message: `${input.outlet} offers no statistics` } as const);
      if (!publication) return 'unavailable';
      const data =
        reading.kind === 'collected'
          ? {
              status: 'collected',
              reactions: reading.reactions,
              comments: reading.comments,
              detail: null,
            }
          : { status: reading.kind, detail: reading.message.slice(0, 300) };
      await db.metric.upsert({
        where: {
          publicationId_checkpoint: { publicationId: publication.id, checkpoint: input.checkpoint },
        },
        create: { publicationId: publication.id, checkpoint: input.checkpoint, ...data },
        update: { ...data, collectedAt: new Date() },
      });
      return reading.kind;
    },
  };
}
