import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../contracts/workflow';
import { AppError, ErrorCode, type ErrorCodeName } from './errors';
import { isDbUnavailable } from '../platform/db/errors';

// gRPC status codes (grpc/status.h); the client does not re-export the enum.
const GrpcStatus = {
  CANCELLED: 1,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
} as const;

/** Why a workflow refused an Update (contracts/workflow.ts FailureType) → the API's answer. */
const UPDATE_FAILURES: Record<string, ErrorCodeName> = {
  [FailureType.StaleContentHash]: ErrorCode.StaleContentHash,
  [FailureType.InvalidState]: ErrorCode.InvalidState,
  [FailureType.InvalidInput]: ErrorCode.Validation,
  [FailureType.Unverified]: ErrorCode.DecisionUnverified,
};

const UNAVAILABLE = new Set<number>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.CANCELLED,
  GrpcStatus.RESOURCE_EXHAUSTED,
]);

/** Throws what Temporal or Postgres threw as an AppError the API can answer with, when it is one. */
export function toAppError(err: unknown): never {
  throw mapError(err);
}

/** Maps a Temporal or Postgres error to an AppError; anything unrecognised is returned as it was. */
export function mapError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      return new AppError(
        UPDATE_FAILURES[cause.type ?? ''] ?? ErrorCode.InvalidState,
        cause.message,
      );
    }
    return new AppError(ErrorCode.InvalidState, err.message);
  }
  if (err instanceof WorkflowNotFoundError)
    return new AppError(ErrorCode.NotFound, 'workflow not found');
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new AppError(
      ErrorCode.TemporalUnavailable,
      'no worker answered in time; try again shortly',
    );
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) return err;
  if (isGrpcServiceError(err)) {
    const code: number | undefined = err.code;
    if (code === GrpcStatus.NOT_FOUND) {
      // Updates on a closed workflow come back as NOT_FOUND "workflow execution already completed".
      if (/already completed/i.test(err.details ?? err.message)) {
        return new AppError(ErrorCode.InvalidState, 'the item has already finished');
      }
      return new AppError(ErrorCode.NotFound, 'workflow not found');
    }
    if (code !== undefined && UNAVAILABLE.has(code)) {
      return new AppError(
        ErrorCode.TemporalUnavailable,
        'Temporal is unreachable; try again shortly',
      );
    }
  }
  if (isTemporalConnectionError(err)) {
    return new AppError(
      ErrorCode.TemporalUnavailable,
      'Temporal is unreachable; try again shortly',
    );
  }
  if (isDbUnavailable(err))
    return new AppError(ErrorCode.DbUnavailable, 'the database is unreachable; try again shortly');
  return err;
}

function isTemporalConnectionError(err: unknown): boolean {
  const e = err as { name?: string; message?: string; cause?: unknown } | null;
  if (!e) return false;
  if (e.name === 'ServiceError' || e.name === 'TransportError') return true;
  if (
    /Failed to connect|UNAVAILABLE|DEADLINE_EXCEEDED|No connection established/i.test(
      e.message ?? '',
    )
  )
    return true;
  return e.cause !== undefined && e.cause !== err && isTemporalConnectionError(e.cause);
}
