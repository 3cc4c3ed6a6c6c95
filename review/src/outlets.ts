// How the page names each outlet to people.
export const OUTLET_LABELS: Record<string, string> = { linkedin: 'LinkedIn', bluesky: 'Bluesky' };
