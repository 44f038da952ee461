import { statSync, watch, type FSWatcher } from 'node:fs';
import { formatProblem, isFlowError } from '../../loader/problems.js';
import type { Logger } from '../../sdk/logger.js';
import { loadAll, type Runtime, type RunOptions } from '../runtime.js';

/**
 * `tremolo run --watch`: when a flow file or a module it uses changes, the new version is loaded
 * and checked first; valid, it is swapped in (connectors that did not change keep running, so
 * their clients stay connected); invalid, its problems are logged and the running flow stays.
 */
export class Watcher {
  #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | undefined;
  #reloading: Promise<void> = Promise.resolve();

  constructor(
    private readonly runtime: Runtime,
    private readonly files: readonly string[],
    private readonly options: RunOptions,
    private readonly log: Logger,
    /** Called after each reload attempt (tests wait on it). */
    private readonly done: (ok: boolean) => void = () => undefined,
  ) {}

  start(): void {
    this.#rewatch();
    this.log.info(`watching ${this.#watched().length} files for changes`);
  }

  stop(): void {
    clearTimeout(this.#timer);
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
  }

  #watched(): string[] {
    return [...new Set(this.runtime.flows.flatMap((f) => f.model.files))];
  }

  #rewatch(): void {
    for (const w of this.#watchers) w.close();
    // Editors often replace a file rather than write it: watching the file again after each change
    // keeps following the new one.
    this.#watchers = this.#watched().map((file) => watch(file, () => this.#changed()));
  }

  #changed(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#reloading = this.#reloading.then(() => this.#reload());
    }, 150);
  }

  async #reload(): Promise<void> {
    const before = this.#stamps();
    let models;
    try {
      models = await loadAll(this.files, this.options);
    } catch (err) {
      const lines = isFlowError(err) ? err.problems.map(formatProblem) : (err as Error).message.split('\n');
      this.log.error(`the change does not load; the running flow stays:\n${lines.join('\n')}`);
      this.#rewatch();
      this.#catchUp(before);
      this.done(false);
      return;
    }
    for (const [i, model] of models.entries()) {
      const flow = this.runtime.flows[i];
      if (flow !== undefined) await flow.reconfigure(model);
    }
    this.#rewatch();
    this.#catchUp(before);
    this.done(true);
  }

  /** When each watched file was last written, as the reload begins. */
  #stamps(): Map<string, number> {
    const stamps = new Map<string, number>();
    for (const file of this.#watched()) {
      try {
        stamps.set(file, statSync(file).mtimeMs);
      } catch {
        stamps.set(file, NaN);
      }
    }
    return stamps;
  }

  /**
   * A file written while a reload ran may have been read before the write, and its event lost
   * between closing the old watchers and opening the new ones: such a change is reloaded now.
   */
  #catchUp(before: ReadonlyMap<string, number>): void {
    for (const [file, stamp] of before) {
      let now: number;
      try {
        now = statSync(file).mtimeMs;
      } catch {
        now = NaN;
      }
      if (!Object.is(now, stamp)) {
        this.#changed();
        return;
      }
    }
  }
}
