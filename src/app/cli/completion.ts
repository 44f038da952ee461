import { RuntimeError } from '../../sdk/errors.js';
import { didYouMean } from '../../sdk/suggest.js';
import { bashScript } from './completion/bash.js';
import { fishScript } from './completion/fish.js';
import { completionModel, type CompletionModel } from './completion/model.js';
import { zshScript } from './completion/zsh.js';
import { COMMANDS } from './commands.js';
import { COMPLETION_HELP } from './help.js';
import { parse } from './options.js';

const SHELLS: Record<string, (model: CompletionModel) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };

/** `tremolo completion bash|zsh|fish`: the script that completes commands, options, their values and flow files. */
export function completion(argv: readonly string[]): number {
  const { values, positionals } = parse(argv, COMMANDS.completion!.options);
  if (values.help) {
    process.stdout.write(COMPLETION_HELP);
    return 0;
  }
  const shells = Object.keys(SHELLS);
  const [shell] = positionals;
  if (shell === undefined || positionals.length > 1) throw new RuntimeError('ERR_USAGE', `expected one shell (${shells.join(', ')}), received ${positionals.length}`);
  if (!Object.hasOwn(SHELLS, shell)) throw new RuntimeError('ERR_USAGE', `no completion for ${JSON.stringify(shell)}; ${didYouMean(shell, shells)}shells: ${shells.join(', ')}`);
  process.stdout.write(SHELLS[shell]!(completionModel(COMMANDS)));
  return 0;
}
