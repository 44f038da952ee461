import type { ParseArgsConfig } from 'node:util';
import { LOG_FORMATS, LOG_LEVELS } from '../../sdk/logger.js';
import { COMPLETION_HELP, CONVERT_HELP, DOC_HELP, GRAPH_HELP, HASH_PASSWORD_HELP, NEW_HELP, RUN_HELP, SCHEMA_HELP, TEST_HELP, VALIDATE_HELP } from './help.js';

/**
 * The commands of `tremolo`, as data: what `--help` lists, what shell completion offers, what a
 * mistyped command or option is matched against. Each command's code is imported only when it
 * runs, so `tremolo --version` does not load the runtime, the connectors and their libraries.
 * A new command is one entry here (and its file).
 */
export type Command = (argv: readonly string[]) => number | Promise<number>;
export type Options = NonNullable<ParseArgsConfig['options']>;

/** What a word completes to in a shell: a fixed list, flow files, any file, folders, or nothing to offer. */
export type Completion = readonly string[] | 'flows' | 'files' | 'dirs' | 'none';

export interface CommandSpec {
  /** Its line under "Commands" in `tremolo --help`, and its description in zsh and fish completion. */
  readonly summary: string;
  /** Its line under "Usage", after `tremolo `; a second line (after `\n`) is indented under the first operand. */
  readonly synopsis: string;
  /** As node:util's parseArgs takes them; `-h, --help` is added to every command. */
  readonly options: Options;
  /** What the value of a string option completes to (a file when absent). */
  readonly values?: Readonly<Record<string, Completion>>;
  /** What the words after the command complete to, by position; the last one repeats. */
  readonly operands: readonly Completion[];
  /** Its `--help` text, printed without loading the command; when absent the command prints its own. */
  readonly help?: string;
  /** The command itself, imported when it runs. */
  load(): Promise<Command>;
}

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  run: {
    summary: 'deploy the flows and run until an exit connector, SIGINT or SIGTERM stops them',
    synopsis:
      'run FLOW... [--arg NAME=VALUE]... [--api [HOST:]PORT] [--api-allow-host NAME]... [--status] [--watch]\n' +
      '[--workers N|auto] [--map-address FROM=TO]... [--drain-timeout MS] [--max-buffered-bytes N]\n' +
      '[--log-level LEVEL] [--log-format text|json]',
    options: {
      arg: { type: 'string', multiple: true },
      'map-address': { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      'drain-timeout': { type: 'string' },
      'max-buffered-bytes': { type: 'string' },
      api: { type: 'string' },
      'api-allow-host': { type: 'string', multiple: true },
      status: { type: 'boolean' },
      watch: { type: 'boolean' },
      workers: { type: 'string' },
    },
    values: { arg: 'none', 'map-address': 'none', 'log-level': LOG_LEVELS, 'log-format': LOG_FORMATS, 'drain-timeout': 'none', 'max-buffered-bytes': 'none', api: 'none', 'api-allow-host': 'none', workers: ['auto'] },
    operands: ['flows'],
    help: RUN_HELP,
    load: async () => (await import('./run.js')).run,
  },
  validate: {
    summary: 'check flow files; print every problem with file:line:column; exit 1 if any',
    synopsis: 'validate FLOW... [--arg NAME=VALUE]...',
    options: { arg: { type: 'string', multiple: true } },
    values: { arg: 'none' },
    operands: ['flows'],
    help: VALIDATE_HELP,
    load: async () => (await import('./validate.js')).validate,
  },
  convert: {
    summary: 'print the JSON5 flow a Tremor .troy file loads as',
    synopsis: 'convert FILE.troy',
    options: {},
    operands: ['flows'],
    help: CONVERT_HELP,
    load: async () => (await import('./convert.js')).convert,
  },
  graph: {
    summary: 'draw a flow file as SVG: connectors, pipelines, operators, links (run --api shows it live)',
    synopsis: 'graph FLOW [--arg NAME=VALUE]... > flow.svg',
    options: { arg: { type: 'string', multiple: true } },
    values: { arg: 'none' },
    operands: ['flows', 'none'],
    help: GRAPH_HELP,
    load: async () => (await import('./graph.js')).graph,
  },
  schema: {
    summary: 'print the JSON Schema of flow files (for editors: "$schema" in a flow)',
    synopsis: 'schema [--use MODULE]...',
    options: { use: { type: 'string', multiple: true } },
    operands: ['none'],
    help: SCHEMA_HELP,
    load: async () => (await import('./schema.js')).schema,
  },
  doc: {
    summary: 'print the reference of a connector kind, codec, processor or operator, or of a whole section',
    synopsis: 'doc [SECTION|NAME...] [--use MODULE]... [--update DIR|FILE]',
    options: { update: { type: 'string' }, use: { type: 'string', multiple: true } },
    operands: [['connectors', 'codecs', 'processors', 'operators', 'functions', 'errors']],
    help: DOC_HELP,
    load: async () => (await import('./doc.js')).doc,
  },
  new: {
    summary: 'write a flow, connector, codec, processor or operator with a test that passes',
    synopsis: 'new flow|connector|codec|processor|operator NAME [--dir DIR]',
    options: { dir: { type: 'string' } },
    values: { dir: 'dirs' },
    operands: [['flow', 'connector', 'codec', 'processor', 'operator'], 'none'],
    help: NEW_HELP,
    load: async () => (await import('./new.js')).newCommand,
  },
  test: {
    summary: 'run integration-test folders (Tremor\'s layout) and report each verdict',
    synopsis: 'test [integration] [DIR] [-i TAG]... [-e TAG]... [-t SECS] [-j N] [--report FILE] [--junit FILE]',
    options: {
      includes: { type: 'string', short: 'i', multiple: true },
      excludes: { type: 'string', short: 'e', multiple: true },
      timeout: { type: 'string', short: 't' },
      jobs: { type: 'string', short: 'j' },
      report: { type: 'string', short: 'o' },
      junit: { type: 'string' },
    },
    values: { includes: 'none', excludes: 'none', timeout: 'none', jobs: 'none' },
    operands: [['integration'], 'dirs'],
    help: TEST_HELP,
    load: async () => (await import('./test.js')).test,
  },
  'hash-password': {
    summary: 'print a users-file line (USER:scrypt hash) for the password read on stdin',
    synopsis: 'hash-password [USER] < PASSWORD',
    options: {},
    operands: ['none'],
    help: HASH_PASSWORD_HELP,
    load: async () => (await import('./hash-password.js')).hashPasswordCommand,
  },
  completion: {
    summary: 'print the shell completion script of tremolo for bash, zsh or fish',
    synopsis: 'completion bash|zsh|fish',
    options: {},
    operands: [['bash', 'zsh', 'fish'], 'none'],
    help: COMPLETION_HELP,
    load: async () => (await import('./completion.js')).completion,
  },
};
