import pino from 'pino';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';

/**
 * The boring part of every entry point: parse the configuration once, make the logger, and on a
 * start-up failure print one clear line (no stack trace for a configuration problem) and exit 1.
 */
export async function runProcess(
  name: string,
  main: (ctx: {
    config: Config;
    log: Logger;
    onShutdown: (fn: () => Promise<void>) => void;
  }) => Promise<void>,
  options: { logToStderr?: boolean } = {},
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${name}: ${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
  // A stdio protocol (MCP) owns stdout: its logs go to stderr.
  const log = createLogger({
    level: config.LOG_LEVEL,
    name,
    ...(options.logToStderr ? { destination: pino.destination(2) } : {}),
  });
  const shutdowns: (() => Promise<void>)[] = [];
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    void (async () => {
      for (const fn of shutdowns.reverse()) {
        await fn().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
      }
      process.exit(0);
    })();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  try {
    await main({ config, log, onShutdown: (fn) => shutdowns.push(fn) });
  } catch (err) {
    // One clear line for the operator; the stack only at debug level.
    const line = describeStartupError(err);
    log.debug({ err }, 'start-up failure detail');
    log.fatal(`${name} failed to start: ${line}`);
    process.stderr.write(`${name}: ${line}\n`);
    process.exit(1);
  }
}

function describeStartupError(err: unknown): string {
  const driver = (
    err as {
      meta?: { driverAdapterError?: { cause?: { originalMessage?: string; kind?: string } } };
    }
  )?.meta?.driverAdapterError?.cause;
  const raw =
    driver?.originalMessage ?? driver?.kind ?? (err instanceof Error ? err.message : String(err));
  const message =
    raw
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? 'unknown error';
  if (
    /ECONNREFUSED|database|Can't reach|P1001|password authentication|does not exist/i.test(message)
  ) {
    return `cannot use DATABASE_URL: ${message}`;
  }
  if (/Failed to connect|transport error|tcp connect error|7233/i.test(message)) {
    return `cannot reach Temporal at TEMPORAL_ADDRESS: ${message}`;
  }
  return message;
}
