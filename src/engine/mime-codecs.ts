import type { Codec, CodecDefinition } from '../sdk/codec-api.js';
import type { Registries } from '../sdk/registries.js';
import type { Configured } from './model.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- definitions of any config type */

/**
 * The codec for a MIME type (`ctx.codecForMime`: an http connector decoding by Content-Type), made
 * once per base type and kept: a request's header must not build a codec. A connector's own
 * mapping (Tremor's `mime_mapping`) comes first, then the codec claiming the type, then the
 * mapping's `type/*`, then its `*\/*`.
 */
const MAX_KEPT = 256;

export class MimeCodecs {
  readonly #byBase = new Map<string, Codec | undefined>();

  constructor(
    private readonly codecs: Registries['codecs'],
    private readonly mapping: Readonly<Record<string, Configured<CodecDefinition<any>>>> = {},
  ) {}

  get(mime: string): Codec | undefined {
    const base = mime.split(';')[0]!.trim().toLowerCase();
    if (this.#byBase.has(base)) return this.#byBase.get(base);
    const codec = this.#make(base);
    // Content types come from peers: past a bound, what is not yet known is made each time, never kept.
    if (this.#byBase.size < MAX_KEPT) this.#byBase.set(base, codec);
    return codec;
  }

  #make(base: string): Codec | undefined {
    const mapped = this.mapping[base];
    if (mapped !== undefined) return mapped.def.create(mapped.config);
    const def = this.codecs.values().find((d) => d.mimeTypes?.includes(base));
    if (def !== undefined) return def.create(def.config === undefined ? undefined : def.config.parse({}));
    const wildcard = this.mapping[`${base.split('/')[0]}/*`] ?? this.mapping['*/*'];
    return wildcard?.def.create(wildcard.config);
  }
}
