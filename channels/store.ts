// Reading channels. Every caller gets the row; what leaves the process is built by views.ts,
// which never copies a sealed column.
import type { ChannelOutlet } from '../contracts/channels';
import type { Channel, Db, Prisma } from '../platform/db/client';
import { notFound } from '../publishing/errors';

export type { Channel };

/** The database or an interactive transaction. */
export type ChannelDb = Db | Prisma.TransactionClient;

/** Every channel, or an outlet's, by outlet then name. */
export function listChannels(db: ChannelDb, outlet?: ChannelOutlet): Promise<Channel[]> {
  return db.channel.findMany({
    ...(outlet ? { where: { outlet } } : {}),
    orderBy: [{ outlet: 'asc' }, { name: 'asc' }],
  });
}

export function getChannel(db: ChannelDb, id: string): Promise<Channel | null> {
  return db.channel.findUnique({ where: { id } });
}

export function getChannelByName(
  db: ChannelDb,
  outlet: ChannelOutlet,
  name: string,
): Promise<Channel | null> {
  return db.channel.findUnique({ where: { outlet_name: { outlet, name } } });
}

/** The channel `outlets: [linkedin]` means; null when the outlet has none. */
export function defaultChannel(db: ChannelDb, outlet: ChannelOutlet): Promise<Channel | null> {
  return db.channel.findFirst({ where: { outlet, isDefault: true } });
}

export async function requireChannel(
  db: ChannelDb,
  outlet: ChannelOutlet,
  name: string,
): Promise<Channel> {
  const channel = await getChannelByName(db, outlet, name);
  if (!channel) throw notFound(`${outlet} channel ${JSON.stringify(name)}`);
  return channel;
}
