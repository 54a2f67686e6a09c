/** A version label split into its numeric components: v0.12 → [0, 12]; v1.2.3 → [1, 2, 3]. */
export interface VersionLabel {
  /** The label as written, with a leading `V` lowercased. */
  label: string;
  /** The numeric components as digit strings without leading zeros (arbitrary size). */
  components: [string, string, string];
}

const VERSION_PATTERN = /^[vV](\d{1,60})\.(\d{1,60})(?:\.(\d{1,60}))?$/;

/** Parses `v<major>.<minor>[.<patch>]`; returns null for anything else. */
export function parseVersionLabel(text: string): VersionLabel | null {
  const match = VERSION_PATTERN.exec(text);
  if (!match) return null;
  const [, major = '0', minor = '0', patch = '0'] = match;
  return {
    label: `v${text.slice(1)}`,
    components: [stripZeros(major), stripZeros(minor), stripZeros(patch)],
  };
}

function stripZeros(digits: string): string {
  if (digits.charCodeAt(0) !== 0x30) return digits;
  return digits.replace(/^0+(?=\d)/, '');
}

/** Compares two version labels numerically, component by component (v0.9 < v0.12 < v1.0; v0.12 = v0.12.0). */
export function compareVersions(a: string, b: string): number {
  const left = versionSortKey(a);
  const right = versionSortKey(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * A string whose plain (byte-wise) order is the numeric version order, for DynamoDB sort keys:
 * each component is its digit count (two digits) followed by its digits. Throws on a non-version.
 */
export function versionSortKey(label: string): string {
  const parsed = parseVersionLabel(label);
  if (!parsed) throw new RangeError(`not a version label: ${label.slice(0, 40)}`);
  return parsed.components.map((digits) => `${String(digits.length).padStart(2, '0')}${digits}`).join('.');
}
