// Display formats. Money arrives as a decimal string ("12.3400") and is formatted from its digits,
// never through a float, so the figure on screen is exactly the one the gateway accounted.

const DIGITS = /^(-?)(\d+)(?:\.(\d+))?$/;

function groupThousands(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * "$12.34" for "12.3400"; amounts below a cent keep their significant places ("$0.0042"), so a
 * cheap request does not read as free. Anything that is not a decimal string is shown as given.
 */
export function formatUsd(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const match = DIGITS.exec(amount.trim());
  if (!match) return amount;
  const sign = match[1] ?? '';
  const integerDigits = match[2] ?? '0';
  const fraction = match[3] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const units = BigInt(integerDigits + fraction); // the amount in 10^-fraction.length dollars

  if (units === 0n) return '$0.00';
  const oneCent = scale / 100n;
  if (fraction.length > 2 && units < oneCent) {
    const places = fraction.replace(/0+$/, '');
    return `${sign}$0.${places.padEnd(2, '0')}`;
  }
  // Round half up to whole cents.
  const cents = fraction.length >= 2 ? (units * 100n + scale / 2n) / scale : units * (100n / scale);
  const dollars = cents / 100n;
  const remainder = (cents % 100n).toString().padStart(2, '0');
  return `${sign}$${groupThousands(dollars.toString())}.${remainder}`;
}

/**
 * Every significant place of a rate ("$0.125" for "0.1250", "$10.00" for "10.0000"): a per-million
 * price rounded to cents would misstate cheap models by a large factor.
 */
export function formatUsdRate(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const match = DIGITS.exec(amount.trim());
  if (!match) return amount;
  const fraction = (match[3] ?? '').replace(/0+$/, '').padEnd(2, '0');
  return `${match[1] ?? ''}$${groupThousands(match[2] ?? '0')}.${fraction}`;
}

/** A money string as a number, for drawing (bar lengths, chart heights) only. */
export function usdForDrawing(amount: string | null | undefined): number {
  const value = Number(amount);
  return Number.isFinite(value) ? value : 0;
}

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString('en-US');
}

const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatDate(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return dateOnly.format(new Date(ms));
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return dateTime.format(new Date(ms));
}

export function formatTimeSeconds(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return dateTimeSeconds.format(new Date(ms));
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms} ms`;
}

/** "2025-01-31" for a unix-ms time, in UTC (the spend report's days are UTC days). */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The unix-ms start of a "YYYY-MM-DD" UTC day. */
export function startOfUtcDay(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function principalLabel(principal: { kind: string; id: number | string } | null): string {
  if (!principal) return '—';
  return `${principal.kind}:${principal.id}`;
}
