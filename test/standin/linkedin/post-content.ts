import { isRecord } from './post-body';
import type { StandInState } from './state';

/**
 * Problems with a create's `content` (Rest.li-style lines; the exact texts are UNCONFIRMED):
 * unknown or unusable media, media the author does not own, a gallery outside 2–20, a document
 * without a title.
 */
export function contentProblems(state: StandInState, author: string, content: unknown): string[] {
  if (content === undefined) return [];
  if (!isRecord(content)) return ['ERROR :: /content :: must be a record'];
  if (isRecord(content.media)) {
    const { id, title } = content.media;
    const problems = assetProblems(state, author, id, '/content/media/id');
    if (
      typeof id === 'string' &&
      id.startsWith('urn:li:document:') &&
      (typeof title !== 'string' || title.trim() === '')
    ) {
      problems.push('ERROR :: /content/media/title :: field is required for a document');
    }
    return problems;
  }
  if (isRecord(content.multiImage)) {
    const images = content.multiImage.images;
    if (!Array.isArray(images)) return ['ERROR :: /content/multiImage/images :: field is required'];
    const problems: string[] = [];
    if (images.length < 2 || images.length > 20) {
      problems.push(
        `ERROR :: /content/multiImage/images :: has ${images.length} images; a multi-image post takes 2 to 20`,
      );
    }
    images.forEach((image: unknown, index) => {
      const id = isRecord(image) ? image.id : undefined;
      const path = `/content/multiImage/images/${index}/id`;
      if (typeof id === 'string' && !id.startsWith('urn:li:image:')) {
        problems.push(`ERROR :: ${path} :: ${id} is not an image`);
      } else problems.push(...assetProblems(state, author, id, path));
    });
    return problems;
  }
  return ['ERROR :: /content :: the stand-in supports media and multiImage content'];
}

function assetProblems(state: StandInState, author: string, id: unknown, path: string): string[] {
  if (typeof id !== 'string') return [`ERROR :: ${path} :: field is required`];
  const asset = state.assets.get(id);
  if (!asset) return [`ERROR :: ${path} :: ${id} does not exist`];
  if (asset.owner !== author)
    return [`ERROR :: ${path} :: ${id} is owned by ${asset.owner}, not the author ${author}`];
  const status = state.assetStatus(asset, false);
  return status === 'AVAILABLE' ? [] : [`ERROR :: ${path} :: ${id} is ${status}, not AVAILABLE`];
}
