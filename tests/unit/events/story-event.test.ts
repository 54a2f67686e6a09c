import { describe, expect, it } from 'vitest';
import {
  buildPublication,
  buildStoryEvent,
  changedFeedUrls,
  deriveEventId,
} from '../../../functions/events/story-event.ts';
import { checkEventsAgainstSchemas } from '../../builders/event-schemas.ts';
import {
  buildPublishedChange,
  buildRetractedChange,
  EVENT_BASE_URL,
  HASH_A,
  HASH_B,
} from '../../builders/story-change.ts';

const CAUSE = '2026-01-01T00:00:00.001Z#01';

describe('deriveEventId', () => {
  it('gives the same UUID-shaped id for the same change, and treats v0.12 and v0.12.0 as one version', () => {
    const id = deriveEventId('Story Version Published', 'harbour', 'v0.12', HASH_A, CAUSE);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveEventId('Story Version Published', 'harbour', 'v0.12', HASH_A, CAUSE)).toBe(id);
    expect(deriveEventId('Story Version Published', 'harbour', 'v0.12.0', HASH_A, CAUSE)).toBe(id);
  });

  it('gives another id when the kind, story, version, text or causing upload differs', () => {
    const id = deriveEventId('Story Version Published', 'harbour', 'v0.12', HASH_A, CAUSE);
    const others = [
      deriveEventId('Story Retracted', 'harbour', 'v0.12', HASH_A, CAUSE),
      deriveEventId('Story Version Published', 'harbor', 'v0.12', HASH_A, CAUSE),
      deriveEventId('Story Version Published', 'harbour', 'v0.13', HASH_A, CAUSE),
      deriveEventId('Story Version Published', 'harbour', 'v0.12', HASH_B, CAUSE),
      deriveEventId('Story Version Published', 'harbour', 'v0.12', HASH_A, `${CAUSE}2`),
    ];
    expect(new Set([id, ...others]).size).toBe(6);
  });
});

describe('buildStoryEvent', () => {
  it('puts a stored version in the EventBridge envelope with absolute URLs of its page, document and feeds', () => {
    const event = buildStoryEvent(buildPublishedChange(), `${EVENT_BASE_URL}/`);
    expect(event).toEqual({
      id: event.id,
      source: 'storyfeed',
      'detail-type': 'Story Version Published',
      time: '2026-01-01T00:00:00.001Z',
      detail: {
        eventId: event.id,
        storyId: 'harbour',
        version: 'v0.12',
        title: 'Harbour expansion',
        publishedAt: '2024-07-05T15:33:01.103Z',
        contentHash: HASH_A,
        isHead: true,
        urls: {
          page: `${EVENT_BASE_URL}/read/harbour/v0.12`,
          json: `${EVENT_BASE_URL}/stories/harbour/versions/v0.12`,
          feeds: {
            json: `${EVENT_BASE_URL}/stories/harbour/feed.json`,
            atom: `${EVENT_BASE_URL}/stories/harbour/feed.atom`,
            rss: `${EVENT_BASE_URL}/stories/harbour/feed.rss`,
          },
        },
      },
    });
  });

  it('names the retracted version, or null for a whole story', () => {
    const version = buildStoryEvent(buildRetractedChange(), EVENT_BASE_URL);
    const story = buildStoryEvent(buildRetractedChange({ version: null, contentHash: null }), EVENT_BASE_URL);
    expect(version.detail).toEqual({ eventId: version.id, storyId: 'harbour', version: 'v0.12' });
    expect(story.detail).toEqual({ eventId: story.id, storyId: 'harbour', version: null });
    expect(story['detail-type']).toBe('Story Retracted');
    expect(story.id).not.toBe(version.id);
  });

  it('builds events that the schemas in docs/events describe completely', () => {
    const events = [
      buildStoryEvent(buildPublishedChange(), EVENT_BASE_URL),
      buildStoryEvent(buildPublishedChange({ isHead: false, version: 'v1.2.3' }), EVENT_BASE_URL),
      buildStoryEvent(buildRetractedChange(), EVENT_BASE_URL),
      buildStoryEvent(buildRetractedChange({ version: null, contentHash: null }), EVENT_BASE_URL),
    ];
    expect(checkEventsAgainstSchemas(events)).toEqual([]);
  });

  it('is caught by the schema check when a detail drifts from its schema', () => {
    const event = buildStoryEvent(buildPublishedChange(), EVENT_BASE_URL);
    const drifted = {
      ...event,
      detail: { ...event.detail, isHead: 'yes', extra: 1 },
    } as unknown as typeof event;
    expect(checkEventsAgainstSchemas([drifted])).toHaveLength(2);
  });
});

describe('changedFeedUrls', () => {
  it('names the latest, story and cited sources feeds in three formats when the head changed', () => {
    expect(changedFeedUrls([buildPublishedChange()], EVENT_BASE_URL)).toEqual(
      ['/feeds/latest', '/stories/harbour/feed', '/sources/25773905/feed', '/sources/934f7ccc/feed'].flatMap(
        (path) => ['json', 'atom', 'rss'].map((format) => `${EVENT_BASE_URL}${path}.${format}`),
      ),
    );
  });

  it('names only the story feed for a version below the head', () => {
    expect(changedFeedUrls([buildPublishedChange({ isHead: false })], EVENT_BASE_URL)).toEqual([
      `${EVENT_BASE_URL}/stories/harbour/feed.json`,
      `${EVENT_BASE_URL}/stories/harbour/feed.atom`,
      `${EVENT_BASE_URL}/stories/harbour/feed.rss`,
    ]);
  });

  it('names each feed once across the changes of one publication', () => {
    const publication = buildPublication(
      [buildRetractedChange(), buildPublishedChange({ version: 'v0.11', contentHash: HASH_B })],
      EVENT_BASE_URL,
    );
    expect(publication.events.map((event) => event['detail-type'])).toEqual([
      'Story Retracted',
      'Story Version Published',
    ]);
    expect(publication.feeds).toHaveLength(12);
    expect(new Set(publication.feeds).size).toBe(12);
  });
});
