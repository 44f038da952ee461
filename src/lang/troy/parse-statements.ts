import type {
  ConnectStmt,
  CreateStmt,
  DefineConnector,
  DefineFlow,
  DefineFn,
  DeployFlow,
  Endpoint,
  FlowStmt,
  ScriptStmt,
  TopStmt,
} from './ast.js';
import { placeOf } from './cursor.js';
import { TroyError } from './errors.js';
import { Lexer } from './lexer.js';
import { QueryParser } from './parse-query.js';

/**
 * The statements of .troy files: `use`, `define flow|connector|pipeline`, `create`, `connect`,
 * `deploy`, and inside a pipeline Trickle's `select`, `create stream|script`, `define
 * window|script|operator`. The whole of each statement is read, even one outside the subset, so
 * the refusal can name it and the rest of the file still parses.
 */
export function parseTroy(text: string, file: string): TopStmt[] {
  return new TroyParser(new Lexer(text, file).tokens()).file();
}

class TroyParser extends QueryParser {
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

}
