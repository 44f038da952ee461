import type { Completion } from '../commands.js';
import { quote, type CommandModel, type CompletionModel, type OptionModel } from './model.js';

/** A zsh `_arguments` action: a fixed list, files, folders, flow files, or a message alone. */
function action(what: Completion, message: string): string {
  if (typeof what !== 'string') return `${message}:(${what.join(' ')})`;
  if (what === 'flows') return `${message}:_tremolo_flows`;
  if (what === 'files') return `${message}:_files`;
  if (what === 'dirs') return `${message}:_files -/`;
  return `${message}: `;
}

function optionSpecs(o: OptionModel): string[] {
  const message = o.long.toUpperCase().replaceAll('-', '_');
  const spec = (name: string, separator: string): string => {
    const exclusive = o.repeatable ? '*' : o.short === undefined ? '' : `(-${o.short} --${o.long})`;
    return quote(`${exclusive}${name}${o.value === undefined ? '' : `${separator}:${action(o.value, message)}`}`);
  };
  if (o.long === 'help') return [quote('(- *)-h[print the usage]'), quote('(- *)--help[print the usage]')];
  // `--name=`: the value in the next word or after `=`; `-n+`: in the next word or right after the letter.
  return [spec(`--${o.long}`, '='), ...(o.short === undefined ? [] : [spec(`-${o.short}`, '+')])];
}

function operandSpecs(c: CommandModel): string[] {
  return c.operands.flatMap((what, i) => {
    if (what === 'none') return [];
    const label = what === 'flows' ? 'flow file' : what === 'dirs' ? 'folder' : what === 'files' ? 'file' : 'argument';
    return [quote(`${i === c.operands.length - 1 ? '*' : String(i + 1)}:${action(what, label)}`)];
  });
}

/** A completion function for zsh, with each command's summary; it works autoloaded from $fpath or sourced. */
export function zshScript(model: CompletionModel): string {
  const commands = model.commands.map((c) => `    ${quote(`${c.name}:${c.summary}`)}`);
  const cases = model.commands.map((c) => {
    const specs = [...c.options.flatMap(optionSpecs), ...operandSpecs(c)];
    return `        ${c.name})\n          _arguments -s -S \\\n            ${specs.join(' \\\n            ')}\n          ;;`;
  });
  return `#compdef tremolo
# zsh completion for tremolo, made by \`tremolo completion zsh\`.
# Load it now (after compinit):   source <(tremolo completion zsh)
# Or for good:                    tremolo completion zsh > "\${fpath[1]}/_tremolo"   (then start a new shell)

_tremolo_flows() {
  _files -g '*.(json5|json|troy)(-.)'
}

_tremolo() {
  local context state state_descr line
  typeset -A opt_args
  local -a commands
  commands=(
${commands.join('\n')}
    'help:print the usage of tremolo or of a command'
  )
  _arguments -C \\
    '(- *)'{-h,--help}'[print the usage]' \\
    '(- *)'{-v,--version}'[print the version]' \\
    '1: :->command' \\
    '*:: :->args' && return
  case $state in
    command)
      _describe -t commands 'tremolo command' commands
      ;;
    args)
      case $words[1] in
${cases.join('\n')}
        help)
          _arguments '1:command:(${model.commands.map((c) => c.name).join(' ')})'
          ;;
      esac
      ;;
  esac
}

if [[ $funcstack[1] == _tremolo ]]; then
  _tremolo "$@"
else
  compdef _tremolo tremolo
fi
`;
}
