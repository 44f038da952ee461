import type { CommandSpec, Completion } from '../commands.js';

/** The command table as the completion scripts need it: every option with whether it takes a value. */
export interface OptionModel {
  readonly long: string;
  readonly short?: string;
  /** Undefined for a flag; else what its value completes to. */
  readonly value?: Completion;
  readonly repeatable: boolean;
}

export interface CommandModel {
  readonly name: string;
  readonly summary: string;
  readonly options: readonly OptionModel[];
  readonly operands: readonly Completion[];
}

export interface CompletionModel {
  readonly commands: readonly CommandModel[];
}

export function completionModel(commands: Readonly<Record<string, CommandSpec>>): CompletionModel {
  return {
    commands: Object.entries(commands).map(([name, spec]) => ({
      name,
      summary: spec.summary,
      operands: spec.operands,
      options: [
        ...Object.entries(spec.options).map(([long, o]) => ({
          long,
          ...(o.short === undefined ? {} : { short: o.short }),
          ...(o.type === 'string' ? { value: spec.values?.[long] ?? ('files' as const) } : {}),
          repeatable: o.multiple === true,
        })),
        { long: 'help', short: 'h', repeatable: false },
      ],
    })),
  };
}

/** Single-quoted for any of the three shells (none of them expands inside single quotes). */
export const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
