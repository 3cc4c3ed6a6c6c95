/// <reference lib="dom" />
// The post as LinkedIn will show it: the text with its hashtags, mentions and links, then the
// images (with their alt text) or the document (title and page count), and the character count.
import { h } from './dom';
import { hashtagUrl, mentionUrl, parseLittleText } from './little-text';
import { OUTLET_LABELS } from './outlets';
import type { Preview, PreviewMedia } from './types';

export function previewCard(outlet: Preview['outlets'][number], viewer: string): HTMLElement {
  const over = outlet.length > outlet.limit;
  const body = h('div', { class: 'post-text', 'data-commentary': outlet.text });
  // Bluesky's text is plain (its links, tags and mentions ride beside it as facets).
  const pieces =
    outlet.outlet === 'linkedin'
      ? parseLittleText(outlet.text)
      : [{ kind: 'text' as const, text: outlet.text }];
  for (const piece of pieces) {
    if (piece.kind === 'text') body.append(piece.text);
    else if (piece.kind === 'hashtag')
      body.append(
        h(
          'a',
          { href: hashtagUrl(piece.tag), rel: 'noopener noreferrer', target: '_blank' },
          `#${piece.tag}`,
        ),
      );
    else if (piece.kind === 'mention')
      body.append(
        h(
          'a',
          {
            href: mentionUrl(piece.urn),
            rel: 'noopener noreferrer',
            target: '_blank',
            class: 'mention',
          },
          piece.name,
        ),
      );
    else
      body.append(
        h('a', { href: piece.url, rel: 'noopener noreferrer', target: '_blank' }, piece.url),
      );
  }
  return h(
    'article',
    { class: 'post', 'aria-label': `${outlet.channel ?? outlet.outlet} preview` },
    h(
      'header',
      null,
      h(
        'span',
        { class: 'avatar', 'aria-hidden': 'true' },
        outlet.outlet.slice(0, 2).toUpperCase(),
      ),
      h(
        'span',
        null,
        h(
          'strong',
          null,
          outlet.channel ?? `Your ${OUTLET_LABELS[outlet.outlet] ?? outlet.outlet} account`,
        ),
        h('span', { class: 'muted small' }, ` · ${outlet.outlet}, seen by ${viewer}`),
      ),
    ),
    body,
    outlet.media ? mediaBlock(outlet.media) : null,
    h(
      'p',
      { class: `count${over ? ' over' : ''}`, id: `count-${outlet.channel ?? outlet.outlet}` },
      `${outlet.length.toLocaleString('en-US')} / ${outlet.limit.toLocaleString('en-US')} characters`,
      over ? ` — too long: ${OUTLET_LABELS[outlet.outlet] ?? outlet.outlet} would refuse it` : '',
    ),
  );
}

/**
 * Below the text, where LinkedIn puts them: one image full width, several in a grid, each with
 * its alt text written out (editors check it as much as the picture); or the document's title
 * and page count, with a link to the PDF itself.
 */
function mediaBlock(media: PreviewMedia): HTMLElement {
  if (media.kind === 'document') {
    const pages =
      media.pages === null
        ? 'page count unknown'
        : `${media.pages} page${media.pages === 1 ? '' : 's'}`;
    return h(
      'div',
      { class: 'post-document', 'data-media': media.id },
      h('span', { class: 'doc-badge', 'aria-hidden': 'true' }, 'PDF'),
      h(
        'span',
        null,
        h('strong', { class: 'doc-title' }, media.title),
        h('span', { class: 'muted small doc-pages' }, ` · ${pages}`),
      ),
      ' ',
      h('a', { href: media.url, class: 'small', rel: 'noopener noreferrer' }, 'Download the PDF'),
    );
  }
  return h(
    'div',
    { class: `post-images${media.images.length > 1 ? ' gallery' : ''}` },
    media.images.map((image, index) =>
      h(
        'figure',
        { 'data-media': image.id },
        h('img', {
          src: image.url,
          alt: image.alt,
          loading: 'lazy',
          ...(image.width && image.height ? { width: image.width, height: image.height } : {}),
        }),
        h(
          'figcaption',
          { class: 'muted small' },
          h('span', { class: 'visually-hidden' }, `Image ${index + 1} alt text: `),
          `Alt: ${image.alt}`,
        ),
      ),
    ),
  );
}
