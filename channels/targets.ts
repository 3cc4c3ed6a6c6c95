// From an item's `outlets: [linkedin, linkedin:jane, bluesky:stargue.bsky.social]` to the channels
// it publishes to: what submission stores (content.targets) and the workflow publishes on.
import {
  CHANNEL_OUTLETS,
  isChannelOutlet,
  targetKey,
  type ChannelOutlet,
  type Target,
} from '../contracts/channels';
import type { Issue } from '../contracts/issues';
import type { Channel, ChannelDb } from './store';

export type TargetsResult = { ok: true; targets: Target[] } | { ok: false; issues: Issue[] };

// Names listed in a message before "and N more": messages stay short (content/issue-list.ts).
const LISTED_NAMES = 10;

/**
 * Resolves every entry with one query. An entry is `outlet` (that outlet's default channel) or
 * `outlet:name`. An unknown outlet or channel, a disabled channel, an outlet without a default,
 * and a channel named twice are issues at `outlets.<index>` naming the valid choices. Channels
 * waiting for re-authorization are valid: their items wait for the reconnect.
 */
export async function resolveTargets(
  db: ChannelDb,
  entries: string[],
  options: { pendingOutlets?: readonly ChannelOutlet[] } = {},
): Promise<TargetsResult> {
  const parsed = entries.map(parseEntry);
  const outlets = [...new Set(parsed.flatMap((p) => (p.outlet ? [p.outlet] : [])))];
  const channels =
    outlets.length === 0
      ? []
      : await db.channel.findMany({
          where: { outlet: { in: outlets } },
          orderBy: [{ outlet: 'asc' }, { name: 'asc' }],
        });

  const issues: Issue[] = [];
  const targets: Target[] = [];
  const seen = new Map<string, string>();
  parsed.forEach((entry, index) => {
    const path = `outlets.${index}`;
    const problem = (code: string, message: string) => issues.push({ path, code, message });
    if (!entry.outlet) {
      problem(
        'UNKNOWN_OUTLET',
        `unknown outlet ${quote(entry.outletText)}; known outlets: ${CHANNEL_OUTLETS.join(', ')}`,
      );
      return;
    }
    const outlet = entry.outlet;
    const mine = channels.filter((c) => c.outlet === outlet);
    const enabled = mine.filter((c) => c.disabledAt === null);
    const choices = describeChoices(outlet, enabled);
    let channel: Channel | undefined;
    if (entry.name === null) {
      channel = mine.find((c) => c.isDefault);
      if (!channel && mine.length === 0 && options.pendingOutlets?.includes(outlet)) {
        // No account connected yet: the item waits for the outlet's first channel.
        targets.push({ outlet, channelId: null, channelName: null, key: outlet });
        return;
      }
      if (!channel) {
        problem('NO_DEFAULT_CHANNEL', `${outlet} has no default channel; ${choices}`);
        return;
      }
      if (channel.disabledAt !== null) {
        problem(
          'CHANNEL_DISABLED',
          `the default ${outlet} channel ${JSON.stringify(channel.name)} is disabled; ${choices}`,
        );
        return;
      }
    } else {
      channel = mine.find((c) => c.name === entry.name);
      if (!channel) {
        problem(
          'UNKNOWN_CHANNEL',
          `no ${outlet} channel is named ${quote(entry.name)}; ${choices}`,
        );
        return;
      }
      if (channel.disabledAt !== null) {
        problem(
          'CHANNEL_DISABLED',
          `${outlet} channel ${JSON.stringify(channel.name)} is disabled; ${choices}`,
        );
        return;
      }
    }
    const key = targetKey(outlet, channel.name);
    const earlier = seen.get(channel.id);
    if (earlier !== undefined) {
      problem(
        'DUPLICATE_CHANNEL',
        `${key} is listed more than once (${quote(earlier)} and ${quote(entry.text)})`,
      );
      return;
    }
    seen.set(channel.id, entry.text);
    targets.push({ outlet, channelId: channel.id, channelName: channel.name, key });
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, targets };
}

interface Entry {
  text: string;
  outlet: ChannelOutlet | null;
  outletText: string;
  name: string | null;
}

function parseEntry(text: string): Entry {
  const colon = text.indexOf(':');
  const outletText = colon === -1 ? text : text.slice(0, colon);
  return {
    text,
    outlet: isChannelOutlet(outletText) ? outletText : null,
    outletText,
    name: colon === -1 ? null : text.slice(colon + 1),
  };
}

/** Quoted, and cut to a channel name's length: the text comes from the author. */
function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 63)}…` : text);
}

function describeChoices(outlet: ChannelOutlet, enabled: Channel[]): string {
  if (enabled.length === 0) return `no ${outlet} channel is connected and enabled`;
  const names = enabled
    .slice(0, LISTED_NAMES)
    .map((c) => `${targetKey(outlet, c.name)}${c.isDefault ? ' (default)' : ''}`);
  const more = enabled.length - names.length;
  return `valid channels: ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
