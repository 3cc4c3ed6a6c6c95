// `npm run mcp`: Stargue for AI assistants over stdio (Model Context Protocol), as a plain client
// of the REST API: it needs STARGUE_API_URL and an integration key in STARGUE_API_KEY, and
// nothing else — no database, no Temporal, no encryption key (mcp/config.ts).
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { createLogger } from '../platform/logger';
import { createStargueClient, StargueError, type StargueClient } from '../sdk/client';
import { loadMcpConfig, type McpConfig } from './config';
import { createMcpServer } from './tools';

/**
 * Refuses to start with a key the API does not know or that is not an integration key (the one
 * role that can neither approve nor reach operator routes). An API that does not answer yet is
 * no reason to refuse: each tool call reports it, and works once the API is back.
 */
async function checkKey(api: StargueClient): Promise<string | null> {
  try {
    const me = await api.me();
    return me.role === 'integration' ? null : `must be an integration key, not ${me.role}`;
  } catch (err) {
    if (err instanceof StargueError && (err.status === 401 || err.status === 403)) {
      return 'is not a valid, active API key (the API refused it)';
    }
    return null;
  }
}

function configOrExit(): McpConfig {
  try {
    return loadMcpConfig(process.env);
  } catch (err) {
    process.stderr.write(`stargue-mcp: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  // stdout belongs to the protocol: logs go to stderr.
  const log = createLogger({
    level: config.LOG_LEVEL,
    name: 'stargue-mcp',
    destination: pino.destination(2),
  });
  const api = createStargueClient({
    baseUrl: config.STARGUE_API_URL,
    apiKey: config.STARGUE_API_KEY,
  });
  const refused = await checkKey(api);
  if (refused) {
    process.stderr.write(`stargue-mcp: STARGUE_API_KEY ${refused}\n`);
    process.exit(1);
  }
  const server = createMcpServer(api);
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    void server.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  await server.connect(new StdioServerTransport());
  log.info({ api: config.STARGUE_API_URL }, 'MCP server ready on stdio');
}

await main();
