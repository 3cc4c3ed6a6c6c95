import { Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from './config';
import { SEARCH_ATTRIBUTES } from '../contracts/search-attributes';
import proto, { type temporal as protoTypes } from '@temporalio/proto';

type TemporalSettings = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_API_KEY' | 'TEMPORAL_TLS'>;

// Temporal Cloud takes an API key over TLS; a self-hosted cluster may take TLS alone.
function connectionOptions(config: TemporalSettings): ConnectionOptions & NativeConnectionOptions {
  const tls = config.TEMPORAL_TLS || config.TEMPORAL_API_KEY !== undefined;
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(tls ? { tls: true } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

export function connectClient(config: TemporalSettings): Promise<Connection> {
  return Connection.connect({ ...connectionOptions(config), connectTimeout: '5 seconds' });
}

export function connectWorker(config: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config));
}

// @temporalio/proto is CommonJS without static named exports.
const { temporal } = proto;

const INDEXED_VALUE_TYPES: Record<string, protoTypes.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

/** Registers the search attributes the workflows use, adding only those missing (idempotent). */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([
    ...Object.keys(existing.customAttributes ?? {}),
    ...Object.keys(existing.systemAttributes ?? {}),
  ]);
  const missing = SEARCH_ATTRIBUTES.filter((k) => !known.has(k.name));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((k) => [
          k.name,
          INDEXED_VALUE_TYPES[k.type] as protoTypes.api.enums.v1.IndexedValueType,
        ]),
      ),
    });
  } catch (err) {
    // Another process registered them first: fine, as long as they now exist.
    const again = await connection.operatorService.listSearchAttributes({ namespace });
    if (missing.some((k) => !(k.name in (again.customAttributes ?? {})))) throw err;
  }
  return missing.map((k) => k.name);
}
