import type { ContentRef, ValidateResult } from '../contracts/workflow';
import { prepareContent } from '../content';
import type { Db } from '../platform/db/client';

export function createContentActivities({ db }: { db: Db }) {
  return {
    /** Re-validates the stored Markdown with the same function the API used on submission. */
    async validateContent(ref: ContentRef): Promise<ValidateResult> {
      const row = await db.content.findUnique({
        where: { contentId_version: ref },
        select: { markdown: true, contentHash: true },
      });
      if (!row)
        return { ok: false, message: `content ${ref.contentId} v${ref.version} is not stored` };
      const prepared = prepareContent(row.markdown);
      if (!prepared.ok) {
        const first = prepared.issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
        return { ok: false, message: `invalid content: ${first.join('; ')}` };
      }
      const { frontmatter } = prepared.item;
      const killSwitch = await db.killSwitch.findUnique({ where: { id: 1 } });
      return {
        ok: true,
        status: frontmatter.status,
        // The hash the API computed at submission and showed in the preview; approvals bind to it.
        contentHash: row.contentHash,
        outlets: [...frontmatter.outlets],
        scheduledAt: frontmatter.scheduled ?? null,
        globalSwitch: { engaged: killSwitch?.engaged ?? false, reason: killSwitch?.reason ?? null },
      };
    },
  };
}
