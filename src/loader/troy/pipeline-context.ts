import type { StreamRef } from '../../lang/troy/ast.js';
import { TroyError } from '../../lang/troy/errors.js';
import type { PipelineGraph, Sink, Source } from './pipeline-graph.js';
import type { Translator } from './translate-expr.js';
import type { WindowSettings } from './windows.js';

/** Thrown for a statement that reads or writes something already refused: one problem is enough. */
export class SkipStatement extends Error {}

/**
 * What the statements of one pipeline definition share while they compile: the graph, the names
 * a select can read from or write into, and the translator that knows the pipeline's args.
 */
export class PipelineContext {
  readonly windows = new Map<string, WindowSettings>();
  readonly streams = new Set<string>();
  readonly scripts = new Set<string>();
  /** Names whose definition was refused (windows as `window:NAME`): selects that use them are skipped quietly. */
  readonly refused = new Set<string>();
  /** The operator that logs and drops what the selects' expressions fail on (made by the first select that needs it). */
  selectErrors: string | undefined;

  constructor(
    readonly graph: PipelineGraph,
    readonly translator: Translator,
    readonly inputs: readonly string[],
    /** The declared outputs; `err` is always one too. */
    readonly outputs: readonly string[],
  ) {}

  #readable(): string[] {
    return [...this.inputs, ...this.streams, ...this.scripts];
  }

  #writable(): string[] {
    return [...new Set([...this.outputs, 'err']), ...this.streams, ...this.scripts];
  }

  /** What `from NAME[/PORT]` reads: an input port, a stream, or a port of a script (`out` by default). */
  source(ref: StreamRef): Source {
    const name = ref.name.name;
    const port = ref.port?.name;
    if (this.refused.has(name)) throw new SkipStatement();
    if (this.scripts.has(name)) return { kind: 'virtual', name: `script:${name}/${port ?? 'out'}` };
    if (port !== undefined) {
      if (this.inputs.includes(name) && this.inputs.includes(port)) return { kind: 'port', port };
      throw new TroyError('ERR_PORT_INVALID', ref.port!.at, `${JSON.stringify(name)} has no port ${JSON.stringify(port)} to select from; only scripts have ports (${[...this.scripts].join(', ') || 'none created'})`);
    }
    if (this.inputs.includes(name)) return { kind: 'port', port: name };
    if (this.streams.has(name)) return { kind: 'virtual', name: `stream:${name}` };
    if (this.outputs.includes(name) || name === 'err') {
      throw new TroyError('ERR_LINK_INVALID', ref.name.at, `${JSON.stringify(name)} is an output of the pipeline; select from ${this.#readable().join(', ')}`);
    }
    throw new TroyError('ERR_LINK_INVALID', ref.name.at, `unknown stream ${JSON.stringify(name)} to select from; known: ${this.#readable().join(', ')}`);
  }

  /** What `into NAME[/PORT]` writes: an output port (`out/PORT` names one too), a stream, or a script. */
  sink(ref: StreamRef): Sink {
    const name = ref.name.name;
    const port = ref.port?.name;
    if (this.refused.has(name)) throw new SkipStatement();
    const outputs = new Set([...this.outputs, 'err']);
    if (this.scripts.has(name)) {
      if (port === undefined || port === 'in') return { kind: 'virtual', name: `script:${name}` };
      throw new TroyError('ERR_PORT_INVALID', ref.port!.at, `script ${JSON.stringify(name)} has one input port, "in"; received ${JSON.stringify(port)}`);
    }
    if (port !== undefined) {
      if (outputs.has(name) && outputs.has(port)) return { kind: 'port', port };
      throw new TroyError('ERR_PORT_INVALID', ref.port!.at, `unknown output port ${JSON.stringify(port)} of ${JSON.stringify(name)}; the pipeline's outputs: ${[...outputs].join(', ')}`);
    }
    if (outputs.has(name)) return { kind: 'port', port: name };
    if (this.streams.has(name)) return { kind: 'virtual', name: `stream:${name}` };
    if (this.inputs.includes(name)) {
      throw new TroyError('ERR_LINK_INVALID', ref.name.at, `${JSON.stringify(name)} is an input of the pipeline; select into ${this.#writable().join(', ')}`);
    }
    throw new TroyError('ERR_LINK_INVALID', ref.name.at, `unknown stream ${JSON.stringify(name)} to select into; known: ${this.#writable().join(', ')} (declare outputs with \`into\`, streams with \`create stream\`)`);
  }
}
