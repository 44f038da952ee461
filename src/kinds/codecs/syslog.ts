import { nowNs } from '../../sdk/event.js';
import { defineCodec } from '../../sdk/codec-api.js';
import { decode3164, encode3164 } from './syslog-3164.js';
import { decode5424, encode5424, isRfc5424 } from './syslog-5424.js';
import { CODEC, readPri } from './syslog-fields.js';
import { asRecord, describe, textLine } from './text-line.js';

export const syslog = defineCodec({
  name: 'syslog',
  description:
    'One syslog message, RFC 5424 or RFC 3164 (told apart by the version after <PRI>), to {protocol, protocol_version?, facility, severity, timestamp?, hostname?, appname?, procid?, msgid?, structured_data?, msg?} and back (RFC 5424 unless protocol is "RFC3164").',
  create() {
    return {
      decode(data) {
        const line = textLine(data, CODEC);
        const { rest } = readPri(line);
        return isRfc5424(line, rest) ? decode5424(line) : decode3164(line);
      },
      encode(value) {
        const r = asRecord(value, CODEC, 'a syslog record {facility, severity, msg, ...}');
        const protocol = r.protocol ?? 'RFC5424';
        if (protocol === 'RFC3164') return encode3164(r, nowNs);
        if (protocol === 'RFC5424') return encode5424(r);
        throw new Error(`${CODEC}: "protocol" must be "RFC5424" or "RFC3164", got ${describe(protocol)}`);
      },
    };
  },
});
