import type { Completion } from '../commands.js';
import type { CompletionModel, OptionModel } from './model.js';

/** The bash words of a fixed list, else the function that completes files, flows or folders. */
function complete(what: Completion): string {
  if (typeof what !== 'string') return `COMPREPLY=($(compgen -W '${what.join(' ')}' -- "$cur"))`;
  if (what === 'flows') return '_tremolo_flows';
  if (what === 'files') return '_tremolo_files';
  if (what === 'dirs') return '_tremolo_dirs';
  return 'COMPREPLY=()';
}

const names = (o: OptionModel): string[] => [`--${o.long}`, ...(o.short === undefined ? [] : [`-${o.short}`])];

/**
 * A completion function for bash (plain bash: no bash-completion package needed). Options that
 * take a value are known per command, so `--arg x` is not counted as an operand and the value
 * of `--log-level` completes to the levels.
 */
export function bashScript(model: CompletionModel): string {
  const commands = model.commands;
  const valued = commands.flatMap((c) => c.options.filter((o) => o.value !== undefined).flatMap((o) => names(o).map((n) => `${c.name} ${n}`)));
  const values = commands.flatMap((c) =>
    c.options.filter((o) => o.value !== undefined).map((o) => `      ${names(o).map((n) => `'${c.name} ${n}'`).join('|')}) ${complete(o.value!)}; return ;;`),
  );
  const options = commands.map((c) => `      ${c.name}) COMPREPLY=($(compgen -W '${c.options.flatMap(names).join(' ')}' -- "$cur")); return ;;`);
  const operands = commands.map((c) => {
    const cases = c.operands.map((what, i) => (i === c.operands.length - 1 ? `          *) ${complete(what)} ;;` : `          ${i}) ${complete(what)} ;;`));
    return `      ${c.name})\n        case $n in\n${cases.join('\n')}\n        esac ;;`;
  });
  return `# bash completion for tremolo, made by \`tremolo completion bash\`.
# Load it now:     source <(tremolo completion bash)
# Or for good:     tremolo completion bash > ~/.local/share/bash-completion/completions/tremolo
#                  (or add the first line to ~/.bashrc)

_tremolo_files() {
  compopt -o filenames 2>/dev/null
  COMPREPLY=($(compgen -f -- "$cur"))
}

_tremolo_dirs() {
  compopt -o filenames 2>/dev/null
  COMPREPLY=($(compgen -d -- "$cur"))
}

# Flow files (.json5, .json, .troy) and the folders that may hold them.
_tremolo_flows() {
  compopt -o filenames 2>/dev/null
  local f
  COMPREPLY=()
  while IFS= read -r f; do
    if [[ -d $f || $f == *.json5 || $f == *.json || $f == *.troy ]]; then COMPREPLY+=("$f"); fi
  done < <(compgen -f -- "$cur")
}

_tremolo() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local cmd='' n=0 skip='' i w
  # --opt=value reaches us as three words: --opt, =, value.
  if [[ $cur == = ]]; then prev=\${COMP_WORDS[COMP_CWORD-1]}; cur=''; elif [[ $prev == = ]]; then prev=\${COMP_WORDS[COMP_CWORD-2]}; fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [[ $w == = ]]; then skip=1; continue; fi
    if [[ -n $skip ]]; then skip=''; continue; fi
    if [[ -z $cmd ]]; then
      if [[ $w != -* ]]; then cmd=$w; fi
      continue
    fi
    case "$cmd $w" in
      ${valued.map((v) => `'${v}'`).join('|')}) skip=1 ;;
      *) if [[ $w != -* ]]; then n=$((n + 1)); fi ;;
    esac
  done
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W '--help --version' -- "$cur"))
    else COMPREPLY=($(compgen -W '${['help', ...commands.map((c) => c.name)].join(' ')}' -- "$cur")); fi
    return
  fi
  if [[ $cmd == help ]]; then
    if ((n == 0)); then COMPREPLY=($(compgen -W '${commands.map((c) => c.name).join(' ')}' -- "$cur")); fi
    return
  fi
  if [[ $prev == -* && $cur != -* ]]; then
    case "$cmd $prev" in
${values.join('\n')}
    esac
  fi
  if [[ $cur == -* ]]; then
    case $cmd in
${options.join('\n')}
    esac
    return
  fi
  case $cmd in
${operands.join('\n')}
  esac
}

complete -F _tremolo tremolo
`;
}
