/**
 * The layering of src/, checked on every import (type-only ones included, since they tie the
 * folders together as much as value imports do):
 *
 *   sdk ← lang ← engine ← loader ← app        kinds/<technology> → sdk, lang, itself
 *
 * `sdk` is what a plugin may use; `lang` the expression language and the `.troy` front end (a
 * plugin's config fields compile expressions with it, as built-in operators do); `engine` runs a flow
 * model; `loader` turns files into models; `app` registers the built-ins and holds the CLI. Every
 * built-in kind is written as a third-party package would be: against sdk and lang only, never
 * against another technology's folder.
 *
 * The plugin packages (packages/NAME/) are held to what a third party has: the public API
 * (`import ... from 'tremolo'`), npm packages, Node.js, and their own folder. Their tests
 * (packages/NAME/test/) use the repository's test harness like every other test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const PACKAGES = path.resolve(SRC, '../packages');
const LAYERS = ['sdk', 'lang', 'engine', 'loader', 'app'] as const;

const IMPORT = /(?:^|[\n;])\s*(?:import|export)\s[^;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const BARE_OR_DYNAMIC = /\bimport\s*(?:\(\s*)?['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.m?ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every relative import of every source file, as paths under src/ ('kinds/ws/ws-server.ts'). */
function imports(): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const specs = new Set<string>();
    for (const re of [IMPORT, BARE_OR_DYNAMIC]) for (const m of text.matchAll(re)) specs.add(m[1]!);
    for (const spec of specs) {
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      out.push({ from: path.relative(SRC, file), to: path.relative(SRC, target) });
    }
  }
  return out;
}

const ANY_IMPORT = /(?:^|[\n;])\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]/g;
const ANY_BARE_OR_DYNAMIC = /\bimport\s*(?:\(\s*)?['"]([^'"]+)['"]/g;

/** Every import of every source file of the plugin packages, tests aside: `from` under packages/, `spec` as written. */
function packageImports(): { from: string; spec: string }[] {
  const out: { from: string; spec: string }[] = [];
  for (const dir of readdirSync(PACKAGES, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const root = path.join(PACKAGES, dir.name);
    for (const file of sources(root).filter((f) => !f.startsWith(path.join(root, 'test') + path.sep))) {
      const text = readFileSync(file, 'utf8');
      const specs = new Set<string>();
      for (const re of [ANY_IMPORT, ANY_BARE_OR_DYNAMIC]) for (const m of text.matchAll(re)) specs.add(m[1]!);
      for (const spec of specs) out.push({ from: path.relative(PACKAGES, file), spec });
    }
  }
  return out;
}

/** Why an import of a plugin package reaches past the public API, or undefined when it does not. */
export function packageViolation(from: string, spec: string): string | undefined {
  const own = from.split(path.sep)[0]!;
  if (spec.startsWith('.')) {
    const target = path.relative(PACKAGES, path.resolve(PACKAGES, path.dirname(from), spec));
    return target.split(path.sep)[0] === own && !target.startsWith('..') ? undefined : `reaches outside packages/${own}/: import what it needs from 'tremolo'`;
  }
  if (spec === 'tremolo') return undefined;
  if (spec.startsWith('tremolo/')) return `imports ${JSON.stringify(spec)}: a plugin uses the public API, 'tremolo', alone`;
  return undefined;
}

/** Why an import breaks the layering, or undefined when it keeps it. */
export function violation(from: string, to: string): string | undefined {
  const [fromTop, fromTech] = from.split(path.sep);
  const [toTop, toTech] = to.split(path.sep);
  if (to.startsWith('..')) return 'reaches outside src/';
  if (from === 'index.ts') return undefined;
  if (to === 'index.ts') return 'imports the package entry point, which only users import';
  if (fromTop === 'kinds') {
    if (toTop === 'sdk' || toTop === 'lang') return undefined;
    if (toTop === 'kinds' && toTech === fromTech) return undefined;
    return `a built-in kind may use sdk/, lang/ and its own folder kinds/${fromTech}/ only`;
  }
  const mine = LAYERS.indexOf(fromTop as (typeof LAYERS)[number]);
  if (mine < 0) return `src/${fromTop} is no layer (${LAYERS.join(', ')}, kinds)`;
  if (toTop === 'kinds') return fromTop === 'app' ? undefined : `only app/ registers the built-in kinds`;
  const theirs = LAYERS.indexOf(toTop as (typeof LAYERS)[number]);
  if (theirs < 0) return `src/${toTop} is no layer`;
  if (theirs > mine) return `${fromTop}/ may not import ${toTop}/, a layer above it (${LAYERS.join(' ← ')})`;
  return undefined;
}

/** Folders (at the given depth under src/) that import each other, directly or through others. */
function cycles(edges: { from: string; to: string }[], depth: number): string[][] {
  const unit = (p: string): string => {
    const parts = p.split(path.sep);
    return parts.length > depth ? parts.slice(0, depth).join('/') : parts.slice(0, -1).join('/') || parts[0]!;
  };
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = unit(from);
    const b = unit(to);
    if (a !== b) graph.set(a, (graph.get(a) ?? new Set()).add(b));
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('the rule names an import against the layering and lets one along it pass', () => {
  assert.is(violation('engine/flow.ts', 'loader/load.ts'), 'engine/ may not import loader/, a layer above it (sdk ← lang ← engine ← loader ← app)');
  assert.is(violation('kinds/ws/ws-server.ts', 'kinds/net/socket-dial.ts'), 'a built-in kind may use sdk/, lang/ and its own folder kinds/ws/ only');
  assert.is(violation('kinds/ws/ws-server.ts', 'engine/flow.ts'), 'a built-in kind may use sdk/, lang/ and its own folder kinds/ws/ only');
  assert.is(violation('loader/load.ts', 'kinds/ws/ws-server.ts'), 'only app/ registers the built-in kinds');
  assert.is(violation('sdk/event.ts', 'lang/expr/api.ts'), 'sdk/ may not import lang/, a layer above it (sdk ← lang ← engine ← loader ← app)');
  assert.is(violation('loader/load.ts', 'engine/model.ts'), undefined);
  assert.is(violation('kinds/ws/ws-server.ts', 'sdk/io/tls.ts'), undefined);
  assert.is(violation('app/builtins/connectors.ts', 'kinds/ws/ws-server.ts'), undefined);
});

test('no import in src/ goes against the layering', () => {
  const edges = imports();
  assert.ok(edges.length > 500, `only ${edges.length} imports found: the walk lost its way`);
  const wrong = edges.flatMap(({ from, to }) => {
    const why = violation(from, to);
    return why === undefined ? [] : [`src/${from} imports src/${to}: ${why}`];
  });
  assert.equal(wrong, []);
});

test('no two folders of src/ import each other, at the top level or one level deeper', () => {
  const edges = imports();
  assert.equal(cycles(edges, 1), []);
  assert.equal(cycles(edges, 2), []);
});

test('the package rule names an import past the public API and lets the others pass', () => {
  const p = (...parts: string[]) => parts.join(path.sep);
  assert.is(packageViolation(p('ditto', 'ditto.ts'), '../../src/sdk/event.js'), "reaches outside packages/ditto/: import what it needs from 'tremolo'");
  assert.is(packageViolation(p('ditto', 'rql', 'parse.ts'), '../../thingsdb/thingsdb-pack.js'), "reaches outside packages/ditto/: import what it needs from 'tremolo'");
  assert.is(packageViolation(p('ditto', 'ditto.ts'), 'tremolo/dist/sdk/event.js'), 'imports "tremolo/dist/sdk/event.js": a plugin uses the public API, \'tremolo\', alone');
  assert.is(packageViolation(p('ditto', 'rql', 'parse.ts'), '../ditto-protocol.js'), undefined);
  assert.is(packageViolation(p('ditto', 'ditto.ts'), 'tremolo'), undefined);
  assert.is(packageViolation(p('ditto', 'ditto.ts'), 'zod'), undefined);
  assert.is(packageViolation(p('ditto', 'ditto.ts'), 'node:crypto'), undefined);
});

test('the plugin packages import the public API, npm packages and their own files only', () => {
  const edges = packageImports();
  assert.ok(edges.filter((e) => e.spec === 'tremolo').length >= 10, `only ${edges.length} imports found: the walk lost its way`);
  const wrong = edges.flatMap(({ from, spec }) => {
    const why = packageViolation(from, spec);
    return why === undefined ? [] : [`packages/${from} imports ${spec}: ${why}`];
  });
  assert.equal(wrong, []);
});

test('the cycle finder sees a cycle when there is one', () => {
  const edges = [
    { from: ['a', 'x.ts'].join(path.sep), to: ['b', 'y.ts'].join(path.sep) },
    { from: ['b', 'y.ts'].join(path.sep), to: ['a', 'z.ts'].join(path.sep) },
  ];
  assert.equal(cycles(edges, 1), [['a', 'b']]);
});

test.run();
