import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { isStoryKey } from '../store/table-definition.ts';
import { type IngestDeps, ingestUpload } from './ingest-upload.ts';
import { readUploadEvents } from './s3-notification.ts';

export interface IngestHandlerDeps extends IngestDeps {
  logger: Logger;
  metrics: Metrics;
}

/** Outcomes whose change marker ingestUpload bumped itself, in its last stage. */
const BUMPED_IN_INGEST = new Set(['stored', 'duplicate', 'stale']);

/**
 * Builds the SQS batch handler: each record's S3 events go through ingestUpload; a record whose
 * ingest throws (a transient failure) is reported in `batchItemFailures` and only it is retried.
 */
export function createIngestHandler(deps: IngestHandlerDeps) {
  const { logger, metrics } = deps;
  const processor = new BatchProcessor(EventType.SQS);

  async function ingestRecord(record: SQSRecord): Promise<void> {
    for (const upload of readUploadEvents(record.body)) {
      const started = performance.now();
      try {
        const result = await ingestUpload(upload, deps);
        // Bumped after each event of a story key, so the API's caches learn that something changed.
        if (isStoryKey(upload.key) && !BUMPED_IN_INGEST.has(result.outcome)) await deps.changes?.bump();
        const ms = Math.round(performance.now() - started);
        // `message` is reserved by the Logger: a rejection's message is logged as `reason`.
        const { outcome, ...facts } = result;
        const details = 'message' in facts ? { code: facts.code, reason: facts.message } : facts;
        logger.info('ingested', { key: upload.key, outcome, ms, ...details });
        for (const warning of 'warnings' in result ? result.warnings : []) {
          logger.warn(`ingest warning ${warning.code}`, { key: upload.key, reason: warning.message });
        }
        metrics.addMetric('IngestDurationMs', MetricUnit.Milliseconds, ms);
        if (result.outcome === 'stored') metrics.addMetric('StoryVersionsIngested', MetricUnit.Count, 1);
        if (result.outcome === 'rejected') metrics.addMetric('IngestRejected', MetricUnit.Count, 1);
      } catch (error) {
        const ms = Math.round(performance.now() - started);
        logger.warn('ingest failed, will retry', {
          key: upload.key,
          outcome: 'retried',
          ms,
          error: error as Error,
        });
        metrics.addMetric('IngestRetried', MetricUnit.Count, 1);
        throw error;
      }
    }
  }

  return async function handleIngestBatch(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
    try {
      return await processPartialResponse(event, ingestRecord, processor, {
        ...(context ? { context } : {}),
        throwOnFullBatchFailure: false,
        processInParallel: true,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
