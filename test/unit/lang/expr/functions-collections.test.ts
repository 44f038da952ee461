import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ctx, evalError, run } from './helpers.js';

test('sort orders numbers and strings, and leaves its argument as it was', () => {
  const event = { list: [3, 1, 2] };
  assert.equal(run('sort(event.list)', ctx(event)), [1, 2, 3]);
  assert.equal(event.list, [3, 1, 2]);
  assert.equal(run('array::sort(["b", "a", "B"])'), ['B', 'a', 'b']);
});

test('sort puts mixed values in Tremor’s order: records (fewer keys first), arrays, strings, numbers, bools, null', () => {
  assert.equal(run('sort([{"b": 1}, [2], "x", 10, true, null, 2.5, false, [1, 5], {"a": 2}, {"a": 1}, {"a": 0, "b": 0}])'), [
    { a: 1 },
    { a: 2 },
    { b: 1 },
    { a: 0, b: 0 },
    [1, 5],
    [2],
    'x',
    2.5,
    10,
    false,
    true,
    null,
  ]);
  assert.equal(run('sort(["exit", ["snot", "badger"], {"asdf": null, "NaN": 42.0}, ["fleek", "flook"]])'), [
    { asdf: null, NaN: 42 },
    ['fleek', 'flook'],
    ['snot', 'badger'],
    'exit',
  ]);
});

test('sort orders strings and bytes together by their UTF-8 bytes, as Tremor does', () => {
  // U+FF61 is below U+1F600 in UTF-8 but above its surrogate pair in UTF-16.
  assert.equal(run('sort(["😀", "｡", "b", "a"])'), ['a', 'b', '｡', '😀']);
  assert.equal(run('sort([string::into_binary("b"), "c", "a"])'), ['a', Buffer.from('b'), 'c']);
  evalError('sort(event)', 'sort: argument 1 (array) must be an array, got record in "sort(event)"', ctx({}));
});

test('path::try_default reads a path of keys and indexes, or gives the fallback where it leads nowhere', () => {
  const event = { headers: { 'transfer-encoding': ['chunked'] }, list: [{ a: 1 }] };
  assert.equal(run('path::try_default(event.headers, ["transfer-encoding"], null)', ctx(event)), ['chunked']);
  assert.is(run('path::try_default(event, ["list", 0, "a"], 0)', ctx(event)), 1);
  assert.is(run('path::try_default(event, ["list", 1, "a"], 0)', ctx(event)), 0);
  assert.is(run('path::try_default(event, ["headers", "content-type"], "none")', ctx(event)), 'none');
  assert.is(run('path::try_default(event, ["list", "a"], "none")', ctx(event)), 'none');
  evalError('path::try_default(event, [true], 0)', 'path::try_default: argument 2 (path) must be an array of keys and indexes (item 0), got bool in "path::try_default(event, [true], 0)"', ctx(event));
});

test('merge_patch merges records recursively, a null removing its key, anything else replacing', () => {
  assert.equal(run('merge_patch(event, {"a": null, "b": {"c": 2, "d": null}, "e": [1]})', ctx({ a: 1, b: { c: 1, d: 1, x: 0 }, e: { f: 1 } })), { b: { c: 2, x: 0 }, e: [1] });
  assert.is(run('merge_patch({"a": 1}, 5)'), 5);
  assert.equal(run('merge_patch(null, {"a": {"b": null}})'), { a: {} });
});

test('try gives the value, or the fallback where evaluating the value fails, and evaluates the fallback only then', () => {
  assert.equal(run('try(json::decode(event), "bad")', ctx('{"a": 1}')), { a: 1 });
  assert.is(run('try(json::decode(event), "bad")', ctx('{a')), 'bad');
  assert.is(run('try(event.n > 1, false)', ctx({ n: 'x' })), false);
  assert.is(run('try(1, json::decode("{"))'), 1);
  evalError('try(json::decode(event), number("x"))', 'number: "x" is not numeric in "number(\\"x\\")"', ctx('{'));
});

test('bytes (string::into_binary) makes UTF-8 bytes of text, which string() reads back', () => {
  assert.equal([...(run('bytes("é")') as Uint8Array)], [0xc3, 0xa9]);
  assert.is(run('string(string::into_binary("exit"))'), 'exit');
  assert.is(run('bytes("exit") == bytes("exit")'), true);
});

test.run();
