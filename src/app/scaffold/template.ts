import type { Names } from './names.js';

/** One file a scaffold writes, its path relative to the project folder (`--dir`). */
export interface ScaffoldFile {
  readonly path: string;
  readonly text: string;
}

export interface TemplateInput {
  readonly names: Names;
  /** `$schema` for a flow in `flows/`: the path from there to tremolo's flow.schema.json. */
  readonly schema: string;
}

/** A scaffold: its files, made from the names; the module and its test. */
export type Template = (input: TemplateInput) => readonly ScaffoldFile[];
