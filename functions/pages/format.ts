import type { Figure } from '../story/types.ts';

/** An ISO timestamp as a reader sees it: `2024-07-05 15:33 UTC` (no clock, no locale). */
export function formatTime(iso: string): string {
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A number with thousands separators and at most two decimals: `80,300,000,000`, `1.09`. */
export function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** A signed difference: `+12`, `−3`, `±0`. */
export function formatDelta(delta: number): string {
  if (delta === 0) return '±0';
  return delta > 0 ? `+${formatNumber(delta)}` : `−${formatNumber(-delta)}`;
}

/** A figure's value with its unit: `80,300,000,000 CNY`, `30 %`, `1980`. */
export function formatFigureValue(figure: Figure): string {
  if (figure.kind === 'year') return String(figure.value);
  const value = formatNumber(figure.value);
  return figure.kind === 'percent' ? `${value}%` : `${value} ${figure.unit}`;
}
