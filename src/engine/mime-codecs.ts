import type { Codec } from '../sdk/codec-api.js';
import type { Registries } from '../sdk/registries.js';

/**
 * The codec for a MIME type (`ctx.codecForMime`: an http connector decoding by Content-Type), made
 * once per base type with its default config and kept: a request's header must not build a codec.
 */
export class MimeCodecs {
  readonly #byBase = new Map<string, Codec | undefined>();

  constructor(private readonly codecs: Registries['codecs']) {}

  get(mime: string): Codec | undefined {
    const base = mime.split(';')[0]!.trim().toLowerCase();
    if (!this.#byBase.has(base)) {
      const def = this.codecs.values().find((d) => d.mimeTypes?.includes(base));
      this.#byBase.set(base, def?.create(def.config === undefined ? undefined : def.config.parse({})));
    }
    return this.#byBase.get(base);
  }
}
