import { z } from 'zod';

/** The side files of a test folder, with Tremor's names and meanings. */
const strings = z.union([z.string(), z.number()]).transform(String);
const list = <T extends z.ZodType>(item: T) => z.union([z.array(item), item.transform((v) => [v])]);

export const AwaitSchema = z
  .strictObject({
    'port-open': list(strings).optional().describe('ports ("4242" or "host:port") that must accept a TCP connection'),
    'file-exists': list(z.string()).optional().describe('files that must exist'),
    'http-ok': list(z.string()).optional().describe('URLs that must answer GET with 2xx'),
    'wait-for-ms': list(strings).optional().describe('a plain wait, in ms (prefer the conditions above)'),
    status: list(z.union([strings, z.strictObject({ cmd: z.string(), args: z.array(strings).default([]), dir: z.string().default('.') })]))
      .optional()
      .describe('Tremor\'s form, "0": the exit statuses the process itself may end with (it must end); or commands that must exit with 0'),
  })
  .default({});

export const ProcessSchema = z.strictObject({
  dir: z.string().default('.'),
  cmd: z.string(),
  args: z.array(strings).default([]),
  env: z.record(z.string(), strings).default({}),
  await: AwaitSchema,
  'max-await-secs': z.number().positive().default(15),
  'min-await-secs': z.number().min(0).default(0),
});
export type ProcessSpec = z.output<typeof ProcessSchema>;

export const BeforeSchema = list(ProcessSchema);
export const AfterSchema = list(
  z.strictObject({ dir: z.string().default('.'), cmd: z.string(), args: z.array(strings).default([]), env: z.record(z.string(), strings).default({}) }),
);

/**
 * Like Tremor's reader, an unknown key (a misspelt `containts`) does not fail the test file: it is
 * kept in `unknown`, for the runner to warn about, and an assert of nothing but it checks the
 * source exists.
 */
export const FileAssertSchema = z
  .looseObject({
    source: z.string().describe('a file of the test folder, or stdout or stderr (any case)'),
    equals_file: z.string().optional(),
    equals_file_binary: z.string().optional(),
    contains: list(z.string()).optional(),
    doesnt_contain: list(z.string()).optional(),
  })
  .transform(({ source, equals_file, equals_file_binary, contains, doesnt_contain, ...rest }) => ({
    source,
    equals_file,
    equals_file_binary,
    contains,
    doesnt_contain,
    unknown: Object.keys(rest),
  }));
export interface FileAssert {
  readonly source: string;
  readonly equals_file?: string | undefined;
  readonly equals_file_binary?: string | undefined;
  readonly contains?: readonly string[] | undefined;
  readonly doesnt_contain?: readonly string[] | undefined;
  readonly unknown?: readonly string[];
}

const AssertObject = z.strictObject({
  name: z.string().optional(),
  status: z.number().int().default(0).describe('the exit status expected of the flows'),
  asserts: z.array(FileAssertSchema).default([]),
  end: z
    .enum(['exit', 'complete'])
    .default('exit')
    .describe('exit: wait for the flows to stop themselves; complete: stop them (gracefully) once every equals_file holds'),
});
/** Tremor writes assert.yaml as one object or as a list of one. */
export const AssertSchema = z.union([AssertObject, z.array(AssertObject).length(1).transform((a) => a[0]!)]);
export type AssertSpec = z.output<typeof AssertObject>;

export const TagsSchema = z.array(z.string());
export const EnvSchema = z.union([
  z.strictObject({ env: z.record(z.string(), strings) }).transform((e) => e.env),
  z.record(z.string(), strings),
]);
