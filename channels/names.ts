// Names chosen for the operator when none is given: a LinkedIn member's channel is named after
// the member (`Jane Doe` → `jane-doe`), as the 0007 backfill names existing accounts.
import { CHANNEL_NAME_PATTERN, type ChannelOutlet } from '../contracts/channels';
import type { ChannelDb } from './store';

// Room for a `-NN` suffix within the 63 characters a name may have.
const BASE_LENGTH = 52;

/** `text` as a channel name (accents dropped, other runs of non-alphanumerics as `-`); or `fallback`. */
export function slugName(text: string | null | undefined, fallback: string): string {
  const slug = (value: string) =>
    value
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, BASE_LENGTH)
      .replace(/-+$/, '');
  const name = slug(text ?? '');
  return CHANNEL_NAME_PATTERN.test(name) ? name : slug(fallback) || 'channel';
}

/** `base`, or `base-2`, `base-3`… whichever is free on the outlet (call inside the outlet's lock). */
export async function freeName(
  db: ChannelDb,
  outlet: ChannelOutlet,
  base: string,
): Promise<string> {
  const taken = new Set(
    (
      await db.channel.findMany({
        where: { outlet, name: { startsWith: base } },
        select: { name: true },
      })
    ).map((c) => c.name),
  );
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}
