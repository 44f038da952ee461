import * as loader from '../loader/load.js';
import type { LoadOptions } from '../loader/load.js';
import type { FlowModel } from '../engine/model.js';
import { builtins } from './builtins/registries.js';

export { flowIdOf, type LoadOptions } from '../loader/load.js';

/*
 * The loader's entry points with the built-in kinds as the registries to extend: the loader itself
 * knows no kind (it is given registries), so that it depends on the SDK and not on what is built in.
 */
const withBuiltins = <T extends LoadOptions>(options: T): T => (options.registries === undefined ? { ...options, registries: builtins() } : options);

/** Every problem of a flow file at once; an empty list means it would load. */
export const checkFlow = (file: string, options: LoadOptions & { text?: string } = {}): ReturnType<typeof loader.checkFlow> => loader.checkFlow(file, withBuiltins(options));

/** Loads and validates a flow file; throws one error listing every problem (file:line:col: path: message). */
export const loadFlow = (file: string, options: LoadOptions & { text?: string } = {}): Promise<FlowModel> => loader.loadFlow(file, withBuiltins(options));

/**
 * A flow given as an object (tests, programs). `file` places it: relative `use` entries resolve from
 * its directory and messages name it; nothing is read from that path.
 */
export const loadFlowObject = (flow: object, options: LoadOptions & { file?: string } = {}): Promise<FlowModel> => loader.loadFlowObject(flow, withBuiltins(options));

/** Like `checkFlow`, for a flow given as an object (its problems are placed in its JSON text, 2-space indented). */
export const checkFlowObject = (flow: object, options: LoadOptions & { file?: string } = {}): ReturnType<typeof loader.checkFlow> => loader.checkFlowObject(flow, withBuiltins(options));
