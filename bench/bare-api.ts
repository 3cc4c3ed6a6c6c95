// G3's baseline API process: a Fastify route that sends the approval Update to a bare item whose
// handler runs one no-op activity, and answers 200. No auth, no database, no audit.
import { Client, Connection } from '@temporalio/client';
import Fastify from 'fastify';
import { approveUpdate } from './bare.workflow';

const address = process.env.TEMPORAL_ADDRESS;
if (!address) throw new Error('bare API: TEMPORAL_ADDRESS is not set');
const connection = await Connection.connect({ address });
const temporal = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
const app = Fastify({ logger: false });
app.post<{ Params: { id: string } }>('/bare/:id/approve', async (request) => {
  const stage = await temporal.workflow
    .getHandle(request.params.id)
    .executeUpdate(approveUpdate, { args: ['editor'] });
  return { stage };
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ url });
process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
