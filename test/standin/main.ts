/**
 * Runs the LinkedIn stand-in as its own process:
 *   tsx test/standin/main.ts --port 0 [--active-versions 202601,202602] [--duplicate-window-ms N]
 *     [--truncate-on-unescaped-reserved] [--client-id ID --client-secret S --redirect-uri URI…]
 *     [--refresh-tokens]
 * Prints one JSON line `{"url": …}` once listening; SIGTERM or SIGINT closes it.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CLIENT, startLinkedInStandIn } from './linkedin';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'active-versions': { type: 'string' },
    'duplicate-window-ms': { type: 'string' },
    'truncate-on-unescaped-reserved': { type: 'boolean', default: false },
    'client-id': { type: 'string', default: DEFAULT_CLIENT.clientId },
    'client-secret': { type: 'string', default: DEFAULT_CLIENT.clientSecret },
    'redirect-uri': { type: 'string', multiple: true },
    'refresh-tokens': { type: 'boolean', default: false },
  },
});

const standIn = await startLinkedInStandIn({
  port: integer('port', values.port),
  host: values.host,
  ...(values['active-versions']
    ? { activeVersions: values['active-versions'].split(',').map((version) => version.trim()) }
    : {}),
  ...(values['duplicate-window-ms']
    ? { duplicateWindowMs: integer('duplicate-window-ms', values['duplicate-window-ms']) }
    : {}),
  truncateOnUnescapedReserved: values['truncate-on-unescaped-reserved'],
  client: {
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    redirectUris: values['redirect-uri'] ?? DEFAULT_CLIENT.redirectUris,
    issueRefreshTokens: values['refresh-tokens'],
  },
});
process.stdout.write(`${JSON.stringify({ url: standIn.url })}\n`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void standIn.close();
  });
}

function integer(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    console.error(`--${name} must be a non-negative integer`);
    process.exit(2);
  }
  return parsed;
}
