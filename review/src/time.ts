// Times for people: shown in the editor's own zone, with the UTC instant a hover away, and a
// zone-explicit date-time picker turned into an exact instant.

export const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formatLocal(iso: string, zone = localZone()): string {
  return new Intl.DateTimeFormat(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: zone,
    timeZoneName: 'short',
  }).format(new Date(iso));
}

export function formatUtc(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Minutes the zone is ahead of UTC at that instant. */
function offsetMinutes(zone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** `2026-12-01T09:00` read as a wall-clock time in `zone` → the exact instant (ISO, UTC). */
export function zonedToInstant(local: string, zone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  let instant = wall - offsetMinutes(zone, wall) * 60_000;
  instant = wall - offsetMinutes(zone, instant) * 60_000;
  return new Date(instant).toISOString();
}

/** The instant as the picker's wall-clock value in `zone`. */
export function instantToZoned(iso: string, zone: string): string {
  const instant = Date.parse(iso);
  const shifted = new Date(instant + offsetMinutes(zone, instant) * 60_000);
  return shifted.toISOString().slice(0, 16);
}

export function zones(): string[] {
  const all = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.(
    'timeZone',
  );
  const list = all && all.length > 0 ? all : [localZone()];
  return Array.from(new Set(['UTC', localZone(), ...list]));
}
