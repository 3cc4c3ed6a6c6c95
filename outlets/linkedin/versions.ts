// LinkedIn serves each monthly API version for about a year, then answers every call with
// `426 NONEXISTENT_VERSION` and sends no header warning of it (LINKEDIN.md §2). Stargue knows
// the sunset dates itself so it can warn before that day and refuse to start after it.

/** The version Stargue ships with: its sunset is at least nine months after the release. */
export const DEFAULT_LINKEDIN_VERSION = '202609';

/** Days before a sunset from which start-up logs, `/readyz` and the metric warn. */
export const SUNSET_WARNING_DAYS = 60;

/** LinkedIn's published sunset dates (Marketing migrations page, as mirrored in late 2026). */
const SUNSET_DATES: Readonly<Record<string, string>> = {
  '202510': '2026-10-15',
  '202511': '2026-11-16',
  '202601': '2027-01-15',
  '202602': '2027-02-15',
  '202603': '2027-03-16',
  '202604': '2027-04-15',
  '202605': '2027-05-15',
  '202606': '2027-06-15',
  '202607': '2027-07-15',
};

const DAY_MS = 86_400_000;

export interface VersionHealth {
  version: string;
  /** `YYYY-MM-DD`: from this day (00:00 UTC) LinkedIn refuses the version. */
  sunset: string;
  /** Whole days until the sunset, rounded up; 0 or less once it has passed. */
  daysLeft: number;
  state: 'current' | 'expiring' | 'sunset';
}

/** The sunset date of a `YYYYMM` version: from the table, else the 15th of the month a year on. */
export function sunsetOf(version: string): string {
  const known = SUNSET_DATES[version];
  if (known) return known;
  const year = Number(version.slice(0, 4)) + 1;
  return `${year}-${version.slice(4, 6)}-15`;
}

export function versionHealth(version: string, now: Date = new Date()): VersionHealth {
  const sunset = sunsetOf(version);
  const remainingMs = Date.parse(`${sunset}T00:00:00Z`) - now.getTime();
  const daysLeft = Math.ceil(remainingMs / DAY_MS);
  const state =
    remainingMs <= 0 ? 'sunset' : daysLeft <= SUNSET_WARNING_DAYS ? 'expiring' : 'current';
  return { version, sunset, daysLeft, state };
}

/** What an operator reads when the version is sunset or close to it; null while it is current. */
export function versionNotice(health: VersionHealth): string | null {
  switch (health.state) {
    case 'sunset':
      return `LINKEDIN_VERSION=${health.version} was sunset by LinkedIn on ${health.sunset} and every LinkedIn call would be refused (426); set a current version such as ${DEFAULT_LINKEDIN_VERSION}`;
    case 'expiring':
      return `LINKEDIN_VERSION=${health.version} is sunset by LinkedIn on ${health.sunset}, in ${health.daysLeft} day(s); set a newer version before then`;
    case 'current':
      return null;
  }
}

/** The notice for `/readyz` (none when no version is configured or it is current). */
export function versionWarnings(version: string | undefined, now: Date = new Date()): string[] {
  const notice = version ? versionNotice(versionHealth(version, now)) : null;
  return notice ? [notice] : [];
}
