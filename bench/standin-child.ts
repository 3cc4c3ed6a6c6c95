// The LinkedIn stand-in in a process of its own (core 1, beside the worker and the API), driven by
// the run over `/_standin/*`. Every post is answered 201 after 20 ms (RELIABILITY.md §5, G1),
// through the stand-in's own `slow_drip` fault: the post is recorded on arrival, the answer
// leaves 20 ms later.
import { startLinkedInStandIn } from '../test/standin/linkedin';

const [version] = process.argv.slice(2);
const standIn = await startLinkedInStandIn({ activeVersions: [version ?? '202609'] });
process.send?.({
  url: standIn.url,
  client: standIn.client,
  member: standIn.member,
});
process.once('SIGTERM', () => void standIn.close().finally(() => process.exit(0)));
