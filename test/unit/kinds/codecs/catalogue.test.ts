import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtins } from '../../../../src/app/builtins/registries.js';

test('every codec name Tremor users know is registered', () => {
  const names = builtins().codecs.names();
  for (const name of ['json', 'msgpack', 'string', 'binary', 'csv', 'yaml', 'influx', 'statsd', 'dogstatsd', 'graphite-plaintext', 'syslog', 'null']) {
    assert.ok(names.includes(name), `codec ${name} is missing`);
  }
});

test('every codec describes itself, and every config documents each option', () => {
  for (const def of builtins().codecs.values()) {
    assert.ok(def.description.length > 20, `${def.name} has no description`);
    const shape = (def.config as { shape?: Record<string, { description?: string }> } | undefined)?.shape ?? {};
    for (const [key, option] of Object.entries(shape)) assert.ok(option.description, `${def.name}.${key} is not described`);
  }
});

test('codecs with options accept an empty config and fill in the defaults', () => {
  for (const def of builtins().codecs.values()) {
    if (def.config !== undefined) assert.ok(def.config.safeParse({}).success, `${def.name} rejects {}`);
  }
});

test('binary codecs are marked so that WebSocket sinks send binary frames', () => {
  const binary = builtins().codecs.values().filter((d) => d.binary === true).map((d) => d.name).sort();
  assert.equal(binary, ['binary', 'msgpack']);
});

test.run();
