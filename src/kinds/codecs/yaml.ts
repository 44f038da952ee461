import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions, ToStringOptions } from 'yaml';
import { defineCodec } from '../../sdk/codec-api.js';
import { reason } from '../../sdk/errors.js';
import { describe } from './text-line.js';
import { yamlDepthBound } from './yaml-depth.js';

let yamlModule: typeof Yaml | undefined;
/**
 * The YAML library, loaded by the first document: every start of `tremolo` loads every built-in
 * codec, and this library alone costs about 0.1 s of CPU to load. It is CommonJS, so it loads
 * where it is first needed, synchronously.
 */
const yamlLibrary = (): typeof Yaml => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

/** How deeply a document may nest: far beyond any real document, far short of the parser's stack. */
export const MAX_YAML_DEPTH = 256;

// YAML 1.2 core schema plus `!!binary`, so that bytes survive a round trip as bytes. Aliases are
// capped (the library's default of 100) so that a "billion laughs" document cannot expand without
// bound, and duplicate keys are an error rather than a silent overwrite.
// logLevel error: the library would otherwise print warnings (an unknown tag...) for each bad frame.
const SCHEMA: DocumentOptions & SchemaOptions & ToStringOptions = { version: '1.2', customTags: ['binary'], logLevel: 'error' };
// Written as Tremor's yaml codec (serde_yaml) writes it, so that its users' expected files match:
// long strings on one line, never folded, and list items at the indentation of their key.
const WRITE: DocumentOptions & SchemaOptions & ToStringOptions = { ...SCHEMA, lineWidth: 0, indentSeq: false };
const PARSE: DocumentOptions & SchemaOptions & ParseOptions & ToJSOptions = { ...SCHEMA, maxAliasCount: 100, uniqueKeys: true };

/** The library's messages end in a multi-line excerpt; the err event carries its own excerpt. */
const firstLine = (err: unknown): string => {
  const line = reason(err).split('\n')[0]!.replace(/:$/, '');
  return line.replace(/^Source contains multiple documents; please use YAML.parseAllDocuments\(\)/, 'several documents in one frame, expected one');
};

export const yaml = defineCodec({
  name: 'yaml',
  description:
    'One YAML 1.2 document to a value and back; bytes as `!!binary`. A blank frame carries nothing; several documents in one frame are an error, and so is one nested deeper than 256 levels.',
  mimeTypes: ['application/yaml', 'application/x-yaml', 'text/yaml'],
  create() {
    return {
      decode(data) {
        if (!isUtf8(data)) throw new Error('invalid YAML: not valid UTF-8');
        const text = data.toString('utf8');
        if (text.trim() === '') return undefined;
        if (yamlDepthBound(text, MAX_YAML_DEPTH) > MAX_YAML_DEPTH) throw new Error(`invalid YAML: nested deeper than ${MAX_YAML_DEPTH} levels`);
        try {
          return yamlLibrary().parse(text, PARSE);
        } catch (err) {
          throw new Error(`invalid YAML: ${firstLine(err)}`);
        }
      },
      encode(value) {
        let text: string | undefined;
        try {
          text = yamlLibrary().stringify(value, WRITE) as string | undefined;
        } catch (err) {
          throw new Error(`cannot write as YAML: ${firstLine(err)}`);
        }
        if (text === undefined) throw new Error(`cannot write as YAML: ${describe(value)} has no YAML form`);
        return text;
      },
    };
  },
});
