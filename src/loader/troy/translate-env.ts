import type { Place } from '../../lang/troy/errors.js';
import type { Expr, Segment } from '../../lang/troy/ast.js';
import type { TroyModule } from './troy-modules.js';
import type { SourceTexts } from './strict-sites.js';

// What a translation of Tremor expressions knows of where it stands (translate-expr.ts).

/** A script's `let x = ...`: the expression it stands for, and the event it was computed from. */
export interface Local {
  readonly text: string;
  /** It reads the event or its metadata. */
  readonly dynamic: boolean;
  /** How many changes the event had seen when the local was set. */
  readonly version: number;
}

/** Inside a windowed select: where aggregate calls go, and what `window` is. */
export interface WindowScope {
  readonly name: string;
  /** What `window` reads when it is not one fixed name (a tilt frame's windows). */
  readonly nameText?: string;
  aggregate(canonical: string, args: readonly Expr[], at: Place): string;
}

export interface TranslateEnv {
  readonly args: Readonly<Record<string, unknown>>;
  /** Whose args they are, for messages. */
  readonly owner: string;
  readonly locals: ReadonlyMap<string, Local>;
  /** How many changes the event has seen at this point of a script. */
  readonly version: number;
  readonly window?: WindowScope;
  /** A windowed select's value: the event is the window's aggregates, so `event` and `$` are refused. */
  readonly aggregatesOnly?: boolean;
  /** The modules the code uses, by the name it uses them under: their functions and constants. */
  readonly modules?: ReadonlyMap<string, TroyModule>;
  /** The module functions being inlined, outermost first: one that calls itself is refused. */
  readonly inlining?: readonly string[];
  /** Inside an inlined function: its module, whose functions and constants it names without a prefix. */
  readonly ownModule?: FileModule;
  /**
   * In a select: how many values its `group by` gives (0 without one). Tremor's `group` is those
   * values and then their JSON text; `state` is null there.
   */
  readonly selectGroup?: number;
  /** In a script: `state` is the script's state, which lives across events. */
  readonly scriptState?: boolean;
  /** The lines of the .troy files, so that a path's failure can show where it is written. */
  readonly sources?: SourceTexts;
}

export type FileModule = Extract<TroyModule, { kind: 'file' }>;

/** A segment's key when the text fixes it: `.a` or `["a"]`. */
export function fixedKey(seg: Segment): string | undefined {
  if (seg.kind === 'field') return seg.name;
  if (seg.kind === 'index' && seg.index.kind === 'string' && seg.index.parts.every((p) => typeof p === 'string')) return seg.index.parts.join('');
  return undefined;
}
