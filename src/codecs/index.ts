import { binary } from './binary.js';
import { csv } from './csv.js';
import { dogstatsd } from './dogstatsd.js';
import { graphitePlaintext } from './graphite-plaintext.js';
import { influx } from './influx.js';
import { json } from './json.js';
import { msgpack } from './msgpack.js';
import { nullCodec } from './null.js';
import { statsd } from './statsd.js';
import { string } from './string.js';
import { syslog } from './syslog.js';
import { yaml } from './yaml.js';

/** The built-in codecs. A new codec is one file plus one line here. */
export const builtinCodecs = [json, string, binary, msgpack, csv, yaml, influx, statsd, dogstatsd, graphitePlaintext, syslog, nullCodec];
