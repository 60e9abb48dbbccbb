/**
 * Internal to the Prevision emulator: the fixed base date every seeded date is an offset from, and the units of those
 * offsets.
 */

/** 2022-01-10T09:00:00Z: every seed date is an offset from here. */
export const SEED_BASE_MS = Date.UTC(2022, 0, 10, 9, 0, 0);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const iso = (ms: number): string => new Date(ms).toISOString();
