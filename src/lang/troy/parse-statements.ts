import type {
  ArgDecl,
  ConnectStmt,
  CreateStmt,
  DefineConnector,
  DefineFlow,
  DefineFn,
  DefinePipeline,
  DeployFlow,
  Endpoint,
  FlowStmt,
  GroupBy,
  Ident,
  ModuleImport,
  QueryStmt,
  ScriptStmt,
  SelectStmt,
  StreamRef,
  Target,
  TopStmt,
  UseStmt,
  WithEntry,
} from './ast.js';
import { placeOf } from './cursor.js';
import { TroyError, type Place } from './errors.js';
import { Lexer } from './lexer.js';
import { ExprParser } from './parse-script.js';

/**
 * The statements of .troy files: `use`, `define flow|connector|pipeline`, `create`, `connect`,
 * `deploy`, and inside a pipeline Trickle's `select`, `create stream|script`, `define
 * window|script|operator`. The whole of each statement is read, even one outside the subset, so
 * the refusal can name it and the rest of the file still parses.
 */
export function parseTroy(text: string, file: string): TopStmt[] {
  return new TroyParser(new Lexer(text, file).tokens()).file();
}

class TroyParser extends ExprParser {
  file(): TopStmt[] {
    if (this.isPunct('#!config')) this.refuse('#!config', 'a configuration directive belongs at the start of a pipeline body');
    const out: TopStmt[] = [];
    while (this.peek().kind !== 'eof') {
      out.push(this.topStmt());
      if (!this.eatPunct(';') && this.peek().kind !== 'eof') this.unexpected('";" after the statement');
    }
    return out;
  }

  topStmt(): TopStmt {
    if (this.isWord('use')) return this.use();
    if (this.isWord('deploy')) return this.deploy();
    if (this.isWord('define')) {
      if (this.isWord('flow', 1)) return this.defineFlow();
      if (this.isWord('connector', 1)) return this.defineConnector();
      if (this.isWord('pipeline', 1)) return this.definePipeline();
      const what = this.peek(1);
      if (what.kind === 'ident' && ['window', 'script', 'operator'].includes(what.text)) {
        this.refuse(`define ${what.text}`, `define ${what.text === 'window' ? 'windows' : what.text + 's'} inside the pipeline that uses them`);
      }
      this.unexpected('"flow", "connector" or "pipeline" after "define"');
    }
    if (this.isWord('fn')) return this.defineFn();
    if (this.isWord('const')) {
      const at = this.here();
      this.next();
      const name = this.ident('the name of the constant').name;
      this.expectPunct('=', `after "${name}"`);
      return { kind: 'define-const', name, value: this.complex(), at };
    }
    if (this.isWord('intrinsic')) this.refuse('intrinsic ...', 'intrinsic functions belong to Tremor\'s own standard library');
    this.unexpected('"use", "define" or "deploy"');
  }

  /** `fn name(a, b) with STATEMENTS end`: the value of its last statement is what it gives. */
  defineFn(): DefineFn {
    const at = this.here();
    this.expectWord('fn');
    const name = this.ident('the name of the function').name;
    this.expectPunct('(', 'before the parameters');
    const params: string[] = [];
    while (!this.isPunct(')')) {
      if (this.isPunct('.')) this.refuse('fn ...(args...)', 'a function takes a fixed list of parameters in tremolo');
      params.push(this.ident('a parameter name').name);
      if (!this.eatPunct(',')) break;
    }
    this.expectPunct(')', 'to close the parameters');
    if (this.isWord('of')) this.refuse(`fn ${name}(...) of case ... end`, 'write the match in the body: fn f(x) with match x of ... end end');
    this.expectWord('with', 'before the body of the function');
    const body: ScriptStmt[] = [];
    while (!this.isWord('end')) {
      body.push(this.scriptStmt());
      if (!this.eatPunct(';')) break;
    }
    this.expectWord('end', 'to close the function');
    if (body.length === 0) throw new TroyError('ERR_FLOW_PARSE', at, `function ${name} has an empty body; the value of its last statement is what it gives`);
    return { kind: 'define-fn', name, params, body, at };
  }

  use(): UseStmt {
    const at = this.here();
    this.expectWord('use');
    const imports: ModuleImport[] = [];
    this.imports([], imports, at);
    return { kind: 'use', imports, at };
  }

  /** `a::b [as c]` or Tremor's brace form `a::{b, c::d as e}`, nested to any depth. */
  imports(prefix: readonly string[], out: ModuleImport[], useAt?: Place): void {
    // A plain `use` is placed at its keyword; each module of a brace list at its name.
    const at = useAt ?? this.here();
    const path = [...prefix, this.ident(prefix.length === 0 ? 'a module name after "use"' : 'a module name').name];
    while (this.eatPunct('::')) {
      if (this.eatPunct('{')) {
        do this.imports(path, out);
        while (this.eatPunct(','));
        this.expectPunct('}', 'to close the list of modules');
        return;
      }
      path.push(this.ident('a module name or "{" after "::"').name);
    }
    const alias = this.eatWord('as') ? this.ident('a name after "as"').name : path[path.length - 1]!;
    out.push({ path, alias, at });
  }

  target(): Target {
    const at = this.here();
    const path = [this.ident('a definition name').name];
    while (this.eatPunct('::')) path.push(this.ident('a name after "::"').name);
    return { path, at };
  }

  /** `args a, b = 1` (the list ends where no comma follows). */
  args(): ArgDecl[] {
    const out: ArgDecl[] = [];
    if (!this.eatWord('args')) return out;
    do {
      if (['with', 'pipeline', 'flow', 'script', 'state', 'into', 'from'].some((w) => this.isWord(w))) break;
      const name = this.ident('an arg name');
      const value = this.eatPunct('=') ? this.complex() : undefined;
      out.push({ name: name.name, value, at: name.at });
    } while (this.eatPunct(','));
    return out;
  }

  /** `with a = 1, b = 2` (without its `end`). */
  withEntries(): WithEntry[] {
    const out: WithEntry[] = [];
    this.expectWord('with');
    do {
      if (this.isWord('end') || this.isWord('script')) break;
      const name = this.ident('a setting name');
      this.expectPunct('=', `after "${name.name}"`);
      out.push({ name: name.name, value: this.complex(), at: name.at });
    } while (this.eatPunct(','));
    return out;
  }

  /** An optional `with ... end`. */
  withEnd(): WithEntry[] {
    if (!this.isWord('with')) return [];
    const entries = this.withEntries();
    this.expectWord('end', 'to close "with"');
    return entries;
  }

  deploy(): DeployFlow {
    const t = this.peek();
    this.expectWord('deploy');
    this.expectWord('flow', 'after "deploy"');
    const alias = this.ident('the name of the deployed flow');
    const target = this.eatWord('from') ? this.target() : { path: [alias.name], at: alias.at };
    return { kind: 'deploy', alias, target, with: this.withEnd(), doc: t.doc, at: placeOf(t) };
  }

  defineFlow(): DefineFlow {
    const t = this.peek();
    this.next();
    this.next();
    const name = this.ident('the flow name').name;
    const args = this.args();
    this.expectWord('flow', 'before the flow body');
    const body: FlowStmt[] = [];
    while (!this.isWord('end')) {
      body.push(this.flowStmt());
      if (!this.eatPunct(';')) break;
    }
    this.expectWord('end', 'to close the flow');
    return { kind: 'define-flow', name, args, body, doc: t.doc, at: placeOf(t) };
  }

  flowStmt(): FlowStmt {
    if (this.isWord('use')) return this.use();
    if (this.isWord('define') && this.isWord('connector', 1)) return this.defineConnector();
    if (this.isWord('define') && this.isWord('pipeline', 1)) return this.definePipeline();
    if (this.isWord('create')) return this.create();
    if (this.isWord('connect')) return this.connect();
    if (this.isWord('define') && this.isWord('flow', 1)) this.refuse('define flow', 'define flows at the top of the file, not inside another flow');
    this.unexpected('"use", "define connector", "define pipeline", "create" or "connect" in the flow');
  }

  defineConnector(): DefineConnector {
    const t = this.peek();
    this.next();
    this.next();
    const name = this.ident('the connector name').name;
    this.expectWord('from', 'and the connector type');
    const connectorKind = this.ident('a connector type such as ws_server');
    const args = this.args();
    const entries = args.length > 0 || this.isWord('with') ? this.withEnd() : [];
    return { kind: 'define-connector', name, connectorKind, args, with: entries, doc: t.doc, at: placeOf(t) };
  }

  create(): CreateStmt {
    const at = this.here();
    this.expectWord('create');
    const kind = this.peek();
    if (!this.isWord('connector') && !this.isWord('pipeline')) this.unexpected('"connector" or "pipeline" after "create"');
    this.next();
    const alias = this.ident(`the ${kind.text}'s name`);
    const target = this.eatWord('from') ? this.target() : undefined;
    return { kind: 'create', what: kind.text as 'connector' | 'pipeline', alias, target, with: this.withEnd(), at };
  }

  connect(): ConnectStmt {
    const at = this.here();
    this.expectWord('connect');
    const from = this.endpoint('out');
    this.expectWord('to', 'between the two ends');
    const to = this.endpoint('in');
    return { kind: 'connect', from, to, at };
  }

  /** `/connector/NAME[/PORT]` or `/pipeline/NAME[/PORT]`. */
  endpoint(side: string): Endpoint {
    const at = this.here();
    this.expectPunct('/', `to start the ${side === 'out' ? 'source' : 'target'} as /connector/NAME or /pipeline/NAME`);
    const what = this.peek();
    if (!this.isWord('connector') && !this.isWord('pipeline')) this.unexpected('"connector" or "pipeline" after "/"');
    this.next();
    this.expectPunct('/', `after "${what.text}"`);
    const alias = this.ident(`the ${what.text}'s name`);
    const port = this.eatPunct('/') ? this.ident('a port name') : undefined;
    return { what: what.text as 'connector' | 'pipeline', alias, port, at };
  }

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
