import fastifyMultipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBodySchema } from '../../contracts/api';
import { MEDIA_TYPES, MediaParamsSchema, MediaViewSchema } from '../../contracts/media';
import type { PublishingDeps } from '../../publishing/deps';
import { AppError, ErrorCode } from '../../publishing/errors';
import { getMedia, mediaContent, uploadMedia } from '../../publishing/media';
import { actorOf } from '../auth';

const errors = (...codes: number[]) =>
  Object.fromEntries([401, 403, 503, ...codes].map((c) => [c, ErrorBodySchema]));
const security = [{ bearer: [] }];
/** Raw uploads may say what they are, or just `application/octet-stream`: the bytes decide. */
const RAW_TYPES = [...MEDIA_TYPES, 'application/octet-stream'];

const UploadBodySchema = z.unknown().meta({
  description:
    'The file: raw bytes with their Content-Type (image/png, image/jpeg, image/gif, application/pdf or application/octet-stream), or multipart/form-data with one part named `file`. Its type is read from the bytes.',
  type: 'string',
  format: 'binary',
});

/**
 * `POST /v1/media` stores an image or PDF; `GET /v1/media/:id` answers its facts and
 * `/content` its bytes. The upload has its own body limit (`maxBytes`, MEDIA_MAX_BYTES) instead
 * of the API's 1 MiB, and the multipart and raw parsers exist only inside this plugin.
 */
export function mediaRoutes(deps: PublishingDeps, maxBytes: number): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(fastifyMultipart, {
      limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 11, headerPairs: 100 },
    });
    app.addContentTypeParser(
      RAW_TYPES,
      { parseAs: 'buffer', bodyLimit: maxBytes },
      (_request, body, done) => done(null, body),
    );

    app.post(
      '/v1/media',
      {
        config: { route: 'POST /v1/media' },
        bodyLimit: maxBytes,
        schema: {
          summary:
            'Upload an image (PNG, JPEG, GIF) or a PDF; the same bytes always get the same id',
          tags: ['media'],
          security,
          consumes: ['multipart/form-data', ...RAW_TYPES],
          body: UploadBodySchema,
          response: {
            200: MediaViewSchema.describe('Already stored: the same id as before'),
            201: MediaViewSchema.describe('Stored'),
            ...errors(400, 406, 413, 415, 422),
          },
        },
      },
      async (request, reply) => {
        const data = await uploadedBytes(request);
        const { created, media } = await uploadMedia(deps, actorOf(request), data, maxBytes);
        return reply.code(created ? 201 : 200).send(media);
      },
    );

    app.get(
      '/v1/media/:id',
      {
        config: { route: 'GET /v1/media/:id' },
        schema: {
          summary: "A stored media item's type, size, dimensions, frames and pages",
          tags: ['media'],
          security,
          params: MediaParamsSchema,
          response: { 200: MediaViewSchema, ...errors(404, 422) },
        },
      },
      async (request) => getMedia(deps, request.params.id),
    );

    app.get(
      '/v1/media/:id/content',
      {
        config: { route: 'GET /v1/media/:id/content', binaryResponse: MEDIA_TYPES },
        schema: {
          summary: 'The stored bytes (the review page shows images from here)',
          description:
            'Answers the bytes with their type. Content-addressed, so cacheable for ever; PDFs are sent as attachments.',
          tags: ['media'],
          security,
          params: MediaParamsSchema,
          response: errors(404, 422),
        },
      },
      async (request, reply) => {
        const { type, data } = await mediaContent(deps, request.params.id);
        const name = request.params.id.replace(':', '-');
        // Bytes, not JSON: sent as they are, outside the error schemas declared above.
        return (reply as FastifyReply)
          .type(type)
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cache-control', 'private, max-age=31536000, immutable')
          .header(
            'content-disposition',
            type === 'application/pdf' ? `attachment; filename="${name}.pdf"` : 'inline',
          )
          .send(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      },
    );
  };
}

/** The upload's bytes: the multipart part named `file`, or the raw body. */
async function uploadedBytes(request: FastifyRequest): Promise<Uint8Array<ArrayBuffer>> {
  if (!request.isMultipart()) {
    const body = request.body;
    // JSON or text reached a parser of the API's own: not a file.
    if (body !== undefined && !Buffer.isBuffer(body)) {
      throw new AppError(
        ErrorCode.UnsupportedMediaType,
        `send the file as ${RAW_TYPES.join(', ')} or multipart/form-data, not ${String(request.headers['content-type']).slice(0, 100)}`,
      );
    }
    if (!body || body.length === 0) {
      throw new AppError(ErrorCode.Validation, 'the request carries no file', [
        {
          path: 'file',
          code: 'MEDIA_EMPTY',
          message: 'Send the file as the body or as the multipart part `file`.',
        },
      ]);
    }
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength) as Uint8Array<ArrayBuffer>;
  }
  const part = await request.file().catch(malformed);
  if (!part || part.fieldname !== 'file') {
    throw new AppError(ErrorCode.Validation, 'the multipart request has no part named `file`', [
      { path: 'file', code: 'REQUIRED', message: 'Send the file as the multipart part `file`.' },
    ]);
  }
  const data = await part.toBuffer().catch(malformed);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength) as Uint8Array<ArrayBuffer>;
}

/**
 * A multipart body busboy cannot read (no boundary, cut short) is the caller's error; errors the
 * plugin already classifies (413 too large, 406 not multipart) keep their status.
 */
function malformed(error: unknown): never {
  if (typeof (error as { statusCode?: unknown }).statusCode === 'number') throw error;
  const detail = error instanceof Error ? error.message : String(error);
  throw new AppError(
    ErrorCode.BadRequest,
    `the multipart body cannot be read: ${detail.slice(0, 200)}`,
  );
}
