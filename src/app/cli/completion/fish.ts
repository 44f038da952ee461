import type { Completion } from '../commands.js';
import { quote, type CommandModel, type CompletionModel } from './model.js';

/** What follows `complete -c tremolo -n CONDITION` to offer `what`; undefined when there is nothing to offer. */
function offer(what: Completion): string | undefined {
  if (typeof what !== 'string') return `-f -a ${quote(what.join(' '))}`;
  if (what === 'flows') return `-f -a '(__tremolo_flows)'`;
  if (what === 'files') return '-F';
  if (what === 'dirs') return `-f -a '(__fish_complete_directories (commandline -ct))'`;
  return undefined;
}

function commandLines(c: CommandModel): string[] {
  const when = `__fish_seen_subcommand_from ${c.name}`;
  const lines = c.options.map((o) => {
    const names = `-l ${o.long}${o.short === undefined ? '' : ` -s ${o.short}`}`;
    if (o.value === undefined) return `complete -c tremolo -n ${quote(when)} ${names}${o.long === 'help' ? " -d 'print the usage'" : ''}`;
    // -r: the option takes a value; -x (= -r -f) when the value is not a file.
    const value = offer(o.value);
    return `complete -c tremolo -n ${quote(when)} ${names} ${value === '-F' ? '-r -F' : value === undefined ? '-x' : `-x ${value.replace(/^-f /, '')}`}`;
  });
  c.operands.forEach((what, i) => {
    const value = offer(what);
    if (value === undefined) return;
    // A fixed list in the first place is offered until one of its words is there.
    const first = i === 0 && typeof what !== 'string' ? `; and not __fish_seen_subcommand_from ${what.join(' ')}` : '';
    lines.push(`complete -c tremolo -n ${quote(`${when}${first}`)} ${value}`);
  });
  return lines;
}

/** Completions for fish: commands with their summaries, each command's options and operands. */
export function fishScript(model: CompletionModel): string {
  const names = model.commands.map((c) => c.name);
  const top = model.commands.map((c) => `complete -c tremolo -n __fish_use_subcommand -f -a ${c.name} -d ${quote(c.summary)}`);
  return `# fish completion for tremolo, made by \`tremolo completion fish\`.
# Load it now:   tremolo completion fish | source
# Or for good:   tremolo completion fish > ~/.config/fish/completions/tremolo.fish

# Flow files (.json5, .json, .troy) and the folders that may hold them.
function __tremolo_flows
    set -l token (commandline -ct)
    for f in $token*
        if test -d $f
            echo $f/
        else if string match -qr '\\.(json5|json|troy)$' -- $f
            echo $f
        end
    end
end

complete -c tremolo -f
complete -c tremolo -n __fish_use_subcommand -s h -l help -d 'print the usage'
complete -c tremolo -n __fish_use_subcommand -s v -l version -d 'print the version'
${top.join('\n')}
complete -c tremolo -n __fish_use_subcommand -f -a help -d 'print the usage of tremolo or of a command'
complete -c tremolo -n '__fish_seen_subcommand_from help' -f -a ${quote(names.join(' '))}
${model.commands.flatMap(commandLines).join('\n')}
`;
}
