import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyAddressMap, parseAddressMap } from '../../../src/loader/address-map.js';
import { loadFlowObject } from '../../../src/app/load.js';

test('FROM=TO pairs are parsed, and a malformed one is refused naming its source', () => {
  assert.equal(parseAddressMap('0.0.0.0:65535=127.0.0.1:4100, [::]:80=127.0.0.1:8080', 'X'), { '0.0.0.0:65535': '127.0.0.1:4100', '[::]:80': '127.0.0.1:8080' });
  assert.equal(parseAddressMap(undefined, 'X'), {});
  assert.throws(() => parseAddressMap('0.0.0.0=1.2.3.4:5', 'TREMOLO_ADDRESS_MAP'), /^TREMOLO_ADDRESS_MAP expects FROM=TO pairs of host:port, comma-separated, received "0.0.0.0=1.2.3.4:5"$/);
});

test('every config string naming the address names the new one, in urls too', async () => {
  assert.equal(applyAddressMap({ url: 'wss://0.0.0.0:65535/x', n: 1, list: ['0.0.0.0:65535'] }, { '0.0.0.0:65535': '127.0.0.1:9' }), { url: 'wss://127.0.0.1:9/x', n: 1, list: ['127.0.0.1:9'] });
  const model = await loadFlowObject(
    { connectors: { s: { type: 'ws_server', codec: 'json', config: { url: 'ws://0.0.0.0:65535' } } } },
    { addressMap: { '0.0.0.0:65535': '127.0.0.1:0' } },
  );
  assert.is((model.connectors[0]!.config as { url: string }).url, 'ws://127.0.0.1:0');
});

test.run();
