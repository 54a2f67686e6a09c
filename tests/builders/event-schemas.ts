import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DETAIL_TYPES, type StoryEvent } from '../../functions/events/story-event.ts';

const SCHEMA_FILES: Record<string, string> = {
  [DETAIL_TYPES.versionPublished]: 'story-version-published.schema.json',
  [DETAIL_TYPES.retracted]: 'story-retracted.schema.json',
};

interface DetailSchema {
  properties: Record<string, unknown>;
}

/**
 * Checks events against the schemas in docs/events/: each detail must validate, and every field it has
 * must be declared there (so the documented schema never lags behind what is sent). Returns the problems.
 */
export function checkEventsAgainstSchemas(events: readonly StoryEvent[]): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const problems: string[] = [];
  for (const event of events) {
    const file = SCHEMA_FILES[event['detail-type']];
    if (!file) {
      problems.push(`${event.id}: no schema for ${event['detail-type']}`);
      continue;
    }
    const schema = JSON.parse(
      readFileSync(new URL(`../../docs/events/${file}`, import.meta.url), 'utf8'),
    ) as DetailSchema;
    const validate = ajv.getSchema((schema as { $id?: string }).$id ?? file) ?? ajv.compile(schema);
    if (!validate(event.detail)) problems.push(`${event.id}: ${ajv.errorsText(validate.errors)}`);
    for (const field of Object.keys(event.detail)) {
      if (!(field in schema.properties)) problems.push(`${event.id}: ${field} is not in ${file}`);
    }
    if (event.source !== 'storyfeed' || Number.isNaN(Date.parse(event.time))) {
      problems.push(`${event.id}: bad envelope`);
    }
    if (event.detail.eventId !== event.id) problems.push(`${event.id}: detail.eventId differs`);
  }
  return problems;
}
