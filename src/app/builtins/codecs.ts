import { binary } from '../../kinds/codecs/binary.js';
import { csv } from '../../kinds/codecs/csv.js';
import { dogstatsd } from '../../kinds/codecs/dogstatsd.js';
import { graphitePlaintext } from '../../kinds/codecs/graphite-plaintext.js';
import { influx } from '../../kinds/codecs/influx.js';
import { json } from '../../kinds/codecs/json.js';
import { msgpack } from '../../kinds/codecs/msgpack.js';
import { nullCodec } from '../../kinds/codecs/null.js';
import { statsd } from '../../kinds/codecs/statsd.js';
import { string } from '../../kinds/codecs/string.js';
import { syslog } from '../../kinds/codecs/syslog.js';
import { yaml } from '../../kinds/codecs/yaml.js';

/** The built-in codecs. A new codec is one file plus one line here. */
export const builtinCodecs = [json, string, binary, msgpack, csv, yaml, influx, statsd, dogstatsd, graphitePlaintext, syslog, nullCodec];
