/** A create request as `POST /rest/posts` accepts it. */
export interface PostBody {
  author: string;
  commentary: string;
  visibility: string;
  lifecycleState: string;
  feedDistribution: string;
  isReshareDisabledByAuthor: boolean;
}

const REQUIRED_FIELDS = ['author', 'commentary', 'visibility', 'distribution', 'lifecycleState'];
const AUTHOR_URN = /^urn:li:(?:person:[A-Za-z0-9_-]+|organization:\d+)$/;
const VISIBILITIES = ['PUBLIC', 'CONNECTIONS', 'LOGGED_IN', 'CONTAINER'];
const LIFECYCLE_STATES = ['PUBLISHED', 'DRAFT'];
const FEED_DISTRIBUTIONS = ['MAIN_FEED', 'NONE'];

/** Rest.li-style schema validation; the messages imitate Rest.li, the exact text is UNCONFIRMED. */
export function parsePostBody(
  body: Record<string, unknown>,
): { ok: true; post: PostBody } | { ok: false; problems: string[] } {
  const problems = REQUIRED_FIELDS.filter((field) => body[field] === undefined).map((field) =>
    missingField(`/${field}`),
  );
  const { author, commentary, visibility, lifecycleState, distribution } = body;
  const reshare = body.isReshareDisabledByAuthor ?? false;
  if (author !== undefined && !(typeof author === 'string' && AUTHOR_URN.test(author))) {
    problems.push(`ERROR :: /author :: ${JSON.stringify(author)} is not a valid author URN`);
  }
  if (commentary !== undefined && typeof commentary !== 'string') {
    problems.push(
      `ERROR :: /commentary :: ${JSON.stringify(commentary)} cannot be coerced to String`,
    );
  }
  problems.push(...enumProblems('/visibility', visibility, VISIBILITIES));
  problems.push(...enumProblems('/lifecycleState', lifecycleState, LIFECYCLE_STATES));
  const feedDistribution = isRecord(distribution) ? distribution.feedDistribution : undefined;
  if (distribution !== undefined) {
    if (feedDistribution === undefined)
      problems.push(missingField('/distribution/feedDistribution'));
    problems.push(
      ...enumProblems('/distribution/feedDistribution', feedDistribution, FEED_DISTRIBUTIONS),
    );
  }
  if (typeof reshare !== 'boolean') {
    problems.push(
      `ERROR :: /isReshareDisabledByAuthor :: ${JSON.stringify(reshare)} cannot be coerced to Boolean`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    post: {
      author: String(author),
      commentary: String(commentary),
      visibility: String(visibility),
      lifecycleState: String(lifecycleState),
      feedDistribution: String(feedDistribution),
      isReshareDisabledByAuthor: reshare === true,
    },
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function missingField(path: string): string {
  return `ERROR :: ${path} :: field is required but not found and has no default value`;
}

function enumProblems(path: string, value: unknown, symbols: string[]): string[] {
  if (value === undefined || (typeof value === 'string' && symbols.includes(value))) return [];
  return [`ERROR :: ${path} :: ${JSON.stringify(value)} is not an enum symbol`];
}
