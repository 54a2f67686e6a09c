import { parseVersionLabel } from '../story/version.ts';
import { badParameter } from './errors.ts';

const STORY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const CITATION_ID_PATTERN = /^[0-9a-fA-F]{8,64}$/;
const LIMIT_PATTERN = /^\d{1,4}$/;

/** The default and largest page sizes of every list and feed. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** Returns the story id when it matches SPEC §1; throws a 400 HttpError otherwise. */
export function parseStoryId(text: string): string {
  if (!STORY_ID_PATTERN.test(text)) {
    throw badParameter('storyId must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$');
  }
  return text;
}

/** Returns the version label (`V` lowercased) when it is `v<major>.<minor>[.<patch>]`; throws a 400 otherwise. */
export function parseVersionParam(text: string, name = 'version'): string {
  const parsed = parseVersionLabel(text);
  if (!parsed) throw badParameter(`${name} must be a version label such as v0.12 or v1.2.3`);
  return parsed.label;
}

/** Returns the citation id in lower case when it is 8 to 64 hex digits; throws a 400 otherwise. */
export function parseCitationId(text: string): string {
  if (!CITATION_ID_PATTERN.test(text)) throw badParameter('citationId must be 8 to 64 hex digits');
  return text.toLowerCase();
}

/** Reads `?limit=`: absent means the default; an integer outside 1–200 throws a 400. */
export function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const limit = LIMIT_PATTERN.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw badParameter(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

/**
 * Splits a path into segments. The path arrives decoded once (API Gateway HTTP APIs decode rawPath),
 * so a `%` left in it is part of the name: decoding again would let `other%252D1` reach `other-1`.
 */
export function splitPath(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(1).split('/');
}
