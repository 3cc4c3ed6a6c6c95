import { ApplicationFailure } from '@temporalio/activity';
import { FailureType, type ValidateInput, type ValidateResult } from '../contracts/workflow';
import { storedTargets } from '../contracts/channels';
import { prepareContent } from '../content';
import type { Db } from '../platform/db/client';
import { recordStatus } from './records';

export function createContentActivities({ db }: { db: Db }) {
  return {
    /**
     * Re-validates the stored Markdown with the same function the API used on submission. New
     * runs pass `record`: the outcome (awaiting approval, draft or failed) is recorded in the
     * same transaction as the read, so it costs no extra round trip.
     */
    async validateContent(input: ValidateInput): Promise<ValidateResult> {
      const ref = { contentId: input.contentId, version: input.version };
      const [row, killSwitch] = await Promise.all([
        db.content.findUnique({
          where: { contentId_version: ref },
          select: { markdown: true, contentHash: true, workflowId: true, targets: true },
        }),
        db.killSwitch.findUnique({ where: { id: 1 } }),
      ]);
      // The content comes from the row the API wrote, and only for the run the API started.
      if (row && input.workflowId !== undefined && row.workflowId !== input.workflowId) {
        throw ApplicationFailure.nonRetryable(
          `run ${input.workflowId} is not the workflow of ${ref.contentId} v${ref.version}`,
          FailureType.ContentInvalid,
        );
      }
      const result: ValidateResult = row
        ? check(row, { engaged: killSwitch?.engaged ?? false, reason: killSwitch?.reason ?? null })
        : { ok: false, message: `content ${ref.contentId} v${ref.version} is not stored` };
      if (input.record && input.workflowId && row) {
        const to = !result.ok
          ? 'failed'
          : result.status === 'draft'
            ? 'draft'
            : 'awaiting_approval';
        const { record, workflowId } = input;
        await db.$transaction((tx) =>
          recordStatus(tx, {
            ...ref,
            workflowId,
            runId: record.runId,
            seq: record.seq,
            from: 'validating',
            to,
            actor: 'system',
            reason: result.ok
              ? result.status === 'draft'
                ? 'status: draft'
                : null
              : result.message,
            haltReason: null,
            lastError: result.ok ? null : `${FailureType.ContentInvalid}: ${result.message}`,
          }),
        );
      }
      return result;
    },
  };
}

function check(
  row: { markdown: string; contentHash: string; targets: unknown },
  globalSwitch: { engaged: boolean; reason: string | null },
): ValidateResult {
  const prepared = prepareContent(row.markdown);
  if (!prepared.ok) {
    const first = prepared.issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
    return { ok: false, message: `invalid content: ${first.join('; ')}` };
  }
  const { frontmatter } = prepared.item;
  const targets = storedTargets(row.targets);
  return {
    ok: true,
    status: frontmatter.status,
    // The hash the API computed at submission and showed in the preview; approvals bind to it.
    contentHash: row.contentHash,
    outlets: [...frontmatter.outlets],
    // The channels resolved at submission, without what they send (history stays small).
    ...(targets
      ? {
          targets: targets.map((t) => ({
            outlet: t.outlet,
            channelId: t.channelId,
            channelName: t.channelName,
            key: t.key,
          })),
        }
      : {}),
    scheduledAt: frontmatter.scheduled ?? null,
    globalSwitch,
  };
}
