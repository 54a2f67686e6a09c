import { XMLParser } from 'fast-xml-parser';
import type { FeedEntry, FeedModel } from '../../functions/feeds/feed-model.ts';
import type { StoryDocument } from '../../functions/story/types.ts';
import { buildStoryDocument } from './story-document.ts';

export const BASE_URL = 'https://feeds.example.com';

/** A latest-feed entry for a document: the story's JSON URL as id, its page as link, dates from its publishedAt. */
export function buildFeedEntry(document: StoryDocument): FeedEntry {
  const apiUrl = `${BASE_URL}/stories/${document.storyId}`;
  return {
    id: apiUrl,
    url: `${BASE_URL}/read/${document.storyId}`,
    apiUrl,
    document,
    published: document.publishedAt,
    updated: document.publishedAt,
  };
}

/** Three stories, newest first, each with its own title, version and timestamp. */
export function buildFeedDocuments(): StoryDocument[] {
  return [
    buildStoryDocument({ storyId: 'shenzhen', version: 'v0.12', publishedAt: '2024-07-05T15:33:01.103Z' }),
    buildStoryDocument({
      storyId: 'market-wrap.2024-06',
      version: 'v1.0.3',
      marker: null,
      title: 'Market wrap: June',
      publishedAt: '2024-06-30T08:00:00.000Z',
    }),
    buildStoryDocument({
      storyId: 'harbour',
      version: 'v0.9',
      marker: '⚓',
      title: 'Harbour expansion',
      publishedAt: '2023-01-09T23:59:59.999Z',
    }),
  ];
}

/** A feed model of the latest stories in one format; `overrides` replace any field (entries, nextUrl…). */
export function buildFeedModel(
  extension: 'json' | 'atom' | 'rss',
  overrides: Partial<FeedModel> = {},
): FeedModel {
  const entries = overrides.entries ?? buildFeedDocuments().map(buildFeedEntry);
  return {
    title: 'storyfeed: latest stories',
    description: 'The latest version of every story',
    baseUrl: BASE_URL,
    homePageUrl: `${BASE_URL}/`,
    selfUrl: `${BASE_URL}/feeds/latest.${extension}`,
    nextUrl: null,
    updated:
      entries
        .map((e) => e.updated)
        .sort()
        .at(-1) ?? '1970-01-01T00:00:00.000Z',
    ...overrides,
    entries,
  };
}

/**
 * Text that breaks naive feed writers: markup, `&`, a CDATA terminator, quotes, an already-escaped entity,
 * emoji, right-to-left text and bidi controls, and characters XML 1.0 cannot carry (C0 controls, U+FFFE,
 * U+FFFF, a lone surrogate) beside ones it can (tab, U+007F, U+0085).
 */
export const HOSTILE_TEXT =
  `<script>alert("x")</script> & ]]> 'single' "double" AT&amp;T 🌳👩🏽‍💻 مرحبا بالعالم \u202Bembedded\u202C ` +
  `ctrl:\u0000\u0001\u0008\u000B\u000C\u000E\u001F\u007F\u0085 \uFFFE\uFFFF\uD800 tab\tend`;

/** HOSTILE_TEXT as an XML parser must give it back: only the characters XML 1.0 cannot carry are gone. */
export const HOSTILE_TEXT_IN_XML =
  `<script>alert("x")</script> & ]]> 'single' "double" AT&amp;T 🌳👩🏽‍💻 مرحبا بالعالم \u202Bembedded\u202C ` +
  `ctrl:\u007F\u0085  tab\tend`;

/** The code points in `text` that XML 1.0 forbids: C0 controls but tab, LF and CR; U+FFFE; U+FFFF; surrogates. */
export function listXmlForbiddenChars(text: string): number[] {
  return Array.from(text, (c) => c.codePointAt(0) ?? 0).filter(
    (cp) =>
      (cp < 0x20 && ![0x09, 0x0a, 0x0d].includes(cp)) ||
      cp === 0xfffe ||
      cp === 0xffff ||
      (cp >= 0xd800 && cp <= 0xdfff),
  );
}

/**
 * An XML parser that gives text back exactly as a feed reader sees it: entities decoded, values
 * neither trimmed nor converted to numbers, attributes kept; `arrayTags` always parse as arrays.
 */
export function createExactXmlParser(arrayTags: string[] = []): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    processEntities: true,
    htmlEntities: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    isArray: (name) => arrayTags.includes(name),
  });
}
