import fp from 'fastify-plugin';
import multipart from '@fastify/multipart';
import { createPhotoStore, type PhotoStore, type PhotoStoreOptions } from '../photos/photo-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    photos: PhotoStore;
  }
}

export interface PhotoStorePluginOptions extends PhotoStoreOptions {
  /** Files accepted in one request (a report carries one or a few photos). */
  maxFiles?: number;
}

/**
 * The photo store, and multipart parsing with limits that keep one request
 * from costing more than a few photos' worth of work. Routes read parts with
 * `request.parts()` / `request.file()` and hand each file stream to
 * `app.photos.save()`.
 */
export default fp<PhotoStorePluginOptions>(
  async (app, opts) => {
    app.decorate('photos', await createPhotoStore(opts));
    await app.register(multipart, {
      limits: {
        // One byte over the limit gets through to the store, whose own count
        // refuses it with our error; the parser then stops reading the file.
        fileSize: opts.maxBytes + 1,
        files: opts.maxFiles ?? 4,
        fields: 20,
        fieldSize: 64 * 1024,
        parts: 30,
        headerPairs: 50,
      },
    });
  },
  { name: 'photo-store' },
);
