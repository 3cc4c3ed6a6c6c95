/** A post URN as LinkedIn returns it in `x-restli-id` or names it in a duplicate error. */
export const POST_URN_PATTERN = /^urn:li:(?:share|ugcPost):\d+$/;

export function personUrn(sub: string): string {
  return `urn:li:person:${sub}`;
}

export function postUrl(urn: string): string {
  return `https://www.linkedin.com/feed/update/${urn}/`;
}
