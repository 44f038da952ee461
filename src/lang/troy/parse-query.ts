import type {
  DefinePipeline,
  GroupBy,
  Ident,
  ModuleImport,
  QueryStmt,
  ScriptStmt,
  SelectStmt,
  StreamRef,
  Target,
  WithEntry,
} from './ast.js';
import { placeOf } from './cursor.js';
import { TroyError, type Place } from './errors.js';
import { DefinitionParser } from './parse-definitions.js';

/** Pipelines and Trickle's query statements: `define pipeline`, `select`, `create stream|script`, `define window|script|operator`, `group by`. */
export abstract class QueryParser extends DefinitionParser {
  definePipeline(): DefinePipeline {
    const t = this.peek();
    this.next();
    this.next();
    const name = this.ident('the pipeline name').name;
    const ports = (): Ident[] => {
      const list: Ident[] = [];
      do list.push(this.ident('a port name'));
      while (this.eatPunct(','));
      return list;
    };
    const from = this.eatWord('from') ? ports() : undefined;
    const into = this.eatWord('into') ? ports() : undefined;
    const args = this.args();
    this.expectWord('pipeline', 'before the pipeline body');
    const config: WithEntry[] = [];
    while (this.eatPunct('#!config')) {
      const name = this.ident('a setting name after "#!config"');
      this.expectPunct('=', `after "${name.name}"`);
      config.push({ name: name.name, value: this.complex(), at: name.at });
    }
    const body: QueryStmt[] = [];
    while (!this.isWord('end')) {
      body.push(this.queryStmt());
      if (!this.eatPunct(';')) break;
    }
    this.expectWord('end', 'to close the pipeline');
    return { kind: 'define-pipeline', name, from, into, args, config, body, doc: t.doc, at: placeOf(t) };
  }

  // ------------------------------------------------------------ Trickle

  queryStmt(): QueryStmt {
    const t = this.peek();
    const at = placeOf(t);
    if (this.isWord('select')) return this.select();
    if (this.isWord('use')) return this.use();
    if (this.isWord('create')) {
      const what = this.peek(1);
      this.next();
      this.next();
      if (what.kind === 'ident' && what.text === 'stream') return { kind: 'create-stream', name: this.ident('the stream name'), at };
      if (what.kind !== 'ident' || !['script', 'operator', 'pipeline'].includes(what.text)) {
        this.unexpected('"stream", "script", "operator" or "pipeline" after "create"');
      }
      const alias = this.ident(`the ${what.text}'s name`);
      const target = this.eatWord('from') ? this.target() : undefined;
      return { kind: `create-${what.text}` as 'create-script', alias, target, with: this.withEnd(), at };
    }
    if (this.isWord('define')) {
      const what = this.peek(1);
      if (this.isWord('pipeline', 1)) return this.definePipeline();
      this.next();
      this.next();
      const name = this.ident('a name').name;
      if (what.kind === 'ident' && what.text === 'window') {
        this.expectWord('from', 'and the window kind');
        const windowKind = this.ident('"tumbling" or "sliding"');
        const entries = this.isWord('with') ? this.withEntries() : [];
        let script: Place | undefined;
        if (this.isWord('script')) {
          script = this.here();
          this.next();
          this.complex();
        }
        this.expectWord('end', 'to close the window');
        return { kind: 'define-window', name, windowKind, with: entries, script, at };
      }
      if (what.kind === 'ident' && what.text === 'operator') {
        this.expectWord('from', 'and the operator kind');
        const operatorKind = this.target();
        this.args();
        return { kind: 'define-operator', name, operatorKind, with: this.withEnd(), at };
      }
      if (what.kind === 'ident' && what.text === 'script') return this.defineScript(name, t.doc, at);
      this.unexpected('"window", "script", "operator" or "pipeline" after "define"');
    }
    this.unexpected('"select", "create", "define" or "use" in the pipeline');
  }

  defineScript(name: string, doc: readonly string[], at: Place): QueryStmt {
    const args = this.args();
    let state: Place | undefined;
    if (this.isWord('state')) {
      state = this.here();
      this.next();
      this.complex();
    }
    const named: Place[] = [];
    for (;;) {
      const blockAt = this.here();
      this.expectWord('script', 'to start the script');
      if (!this.eatWord('from')) break;
      named.push(blockAt);
      this.ident('a port name');
      // A named block runs up to the next `script`; its statements are not needed, only its place.
      while (!this.isWord('script') && this.peek().kind !== 'eof') {
        this.scriptStmt();
        if (!this.eatPunct(';')) break;
      }
    }
    if (this.isWord('end')) {
      // Tremor's words (its users' tests look for them): a script needs a statement.
      throw new TroyError('ERR_FLOW_PARSE', this.here(), 'Found the token `end` but expected one of `let`, `emit`, `drop`, `match` or an expression: a script needs at least one statement');
    }
    // Tremor lets a script body use modules, as its first statements or between the others.
    const uses: ModuleImport[] = [];
    const body: ScriptStmt[] = [];
    while (!this.isWord('end')) {
      if (this.isWord('use')) uses.push(...this.use().imports);
      else body.push(this.scriptStmt());
      if (!this.eatPunct(';')) break;
    }
    this.expectWord('end', 'to close the script');
    return { kind: 'define-script', name, args, state, uses, named, body, doc, at };
  }

  streamRef(what: string): StreamRef {
    const at = this.here();
    const name = this.ident(what);
    const port = this.eatPunct('/') ? this.ident('a port name after "/"') : undefined;
    return { name, port, at };
  }

  select(): SelectStmt {
    const at = this.here();
    this.expectWord('select');
    const target = this.complex();
    this.expectWord('from', 'after what the select makes');
    const from = this.streamRef('the stream to select from');
    const windows: Target[] = [];
    if (this.eatPunct('[')) {
      do windows.push(this.target());
      while (this.eatPunct(','));
      this.expectPunct(']', 'to close the windows');
    }
    let where = this.eatWord('where') ? this.complex() : undefined;
    let groupBy: GroupBy | undefined;
    if (this.isWord('group')) {
      const groupAt = this.here();
      this.next();
      this.expectWord('by', 'after "group"');
      groupBy = this.groupBy(groupAt);
    }
    let having = this.eatWord('having') ? this.complex() : undefined;
    this.expectWord('into', 'and the stream the select writes to');
    const into = this.streamRef('the stream to select into');
    // Tremor writes `having` after `into`; before it is accepted too, like `where`.
    if (having === undefined && this.eatWord('having')) having = this.complex();
    if (where === undefined && this.eatWord('where')) where = this.complex();
    return { kind: 'select', target, from, windows, where, groupBy, into, having, at };
  }

  groupBy(at: Place): GroupBy {
    if (this.isWord('each') && this.isPunct('(', 1)) {
      this.next();
      this.next();
      const expr = this.complex();
      this.expectPunct(')', 'to close "each("');
      return { kind: 'each', expr, at };
    }
    if (this.isWord('set') && this.isPunct('(', 1)) {
      this.next();
      this.next();
      const items: GroupBy[] = [];
      do items.push(this.groupBy(this.here()));
      while (this.eatPunct(','));
      this.expectPunct(')', 'to close "set("');
      return { kind: 'set', items, at };
    }
    return { kind: 'expr', expr: this.complex(), at };
  }
}
