import { defineSearchAttributeKey } from '@temporalio/common';

// Search attributes are not encrypted: IDs, statuses and times only, never personal data.
export const PublishStatusKey = defineSearchAttributeKey('PublishStatus', 'KEYWORD');
export const ContentIdKey = defineSearchAttributeKey('ContentId', 'KEYWORD');
export const OutletsKey = defineSearchAttributeKey('Outlets', 'KEYWORD_LIST');
export const ScheduledAtKey = defineSearchAttributeKey('ScheduledAt', 'DATETIME');
export const HaltReasonKey = defineSearchAttributeKey('HaltReason', 'KEYWORD');

export const SEARCH_ATTRIBUTES = [
  PublishStatusKey,
  ContentIdKey,
  OutletsKey,
  ScheduledAtKey,
  HaltReasonKey,
] as const;
