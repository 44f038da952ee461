/** The `--help` text of each command; `tremolo --help` is made from the command table (cli.ts). */
export const RUN_HELP = `Usage: tremolo run FLOW... [options]

Deploys every flow file and runs until an exit connector asks to stop, or SIGINT / SIGTERM arrives.
A stop is graceful: sources stop, events in flight drain to the sinks (bounded by --drain-timeout),
then connections close. A second signal exits at once.

Options
  --arg NAME=VALUE     override a flow arg (repeatable); VALUE is JSON5 where it parses, else text
  --map-address FROM=TO
                       in connector configs, write the host:port TO wherever FROM is written
                       (repeatable; also TREMOLO_ADDRESS_MAP=FROM=TO,...): run a flow with fixed
                       addresses elsewhere without editing it
  --log-level LEVEL    error | warn | info (default) | debug | trace; logs go to stderr
  --log-format FORMAT  text (default; coloured on a terminal unless NO_COLOR is set, or wherever
                       FORCE_COLOR is) or json: one object per line with time, level, flow, alias,
                       msg and fields, for log shippers
  --drain-timeout MS   how long a graceful stop waits for sinks (default 5000)
  --max-buffered-bytes N
                       bytes the process may have waiting to be sent on all its connections
                       together (default 268435456, 256 MiB); past it, connections that read too
                       slowly and do not hold their sources are closed, most bytes waiting first
  --api [HOST:]PORT    serve the status API and /metrics (loopback unless HOST is given):
                       GET /v1/version, /v1/status, /v1/flows[/ID[/connectors[/ALIAS]]],
                       PATCH those with {"status":"paused"|"running"}, GET /metrics (Prometheus);
                       GET / is a live drawing of the flows (events/s per link, errors): open it.
                       /v1/status is 200 "ok" only when every flow runs and no connector is
                       paused, connecting, reconnecting or gave up; else 503 "degraded" naming them
  --api-allow-host NAME
                       a Host the status API answers besides IP addresses, localhost and
                       *.localhost (repeatable; .example.com: it and every name under it; *: any).
                       Others get 403, which keeps web pages out through DNS rebinding
  --status             a live table of connectors on stderr: state (running, paused, stopped, failed),
                       link (listening, connected, connecting, retrying, gave up), connections,
                       events/s in and out, errors. On a terminal it stays at the bottom, redrawn
                       every second, with the log scrolling above it; elsewhere it is printed every 10 s
  --watch              reload when a flow file or a module it uses changes: the new version is
                       checked first, then swapped in; connectors that did not change keep their
                       connections; a version with problems is refused and the running one stays
  --workers N|auto     run N worker processes (auto: one per core; default 1) that share the
                       listening ports, port 0 included; a worker that dies is restarted with a
                       growing wait and logged; SIGTERM or SIGINT stops them all gracefully.
                       Each worker has its own connections, windows, kv state and rate limits;
                       it finds its number (1..N) in the environment variable TREMOLO_WORKER
  -h, --help           this text

Exit status: the code an exit connector asked for; 0 after a signal; 1 when a flow cannot load or start.

Environment
  TREMOLO_PATH         extra folders (colon-separated) searched for modules named in "use"
`;

export const VALIDATE_HELP = `Usage: tremolo validate FLOW... [--arg NAME=VALUE]...

Loads each flow without running it and prints every problem as FILE:LINE:COLUMN: PATH: MESSAGE.
Exit status 0 when all flows are valid, 1 otherwise.
`;

export const CONVERT_HELP = `Usage: tremolo convert FILE.troy

Prints the JSON5 flow that a Tremor deployment file (.troy) loads as: its connectors, its
pipelines (Trickle compiled to tremolo's operators) and its links, with args and settings computed
as Tremor computes them when it deploys. Save it as a .json5 flow to move over for good.

Problems of the .troy text (syntax, or a construct tremolo does not support yet) are printed as
FILE:LINE:COLUMN: MESSAGE instead, with exit status 1. Problems the flow loader finds in the
converted flow are printed after it, placed in the .troy file, also with exit status 1.
`;

export const SCHEMA_HELP = `Usage: tremolo schema [--use MODULE]...

Prints the JSON Schema of flow files, derived from the schemas that validate them, including the
config of every connector kind, codec, processor and operator. Point "$schema" at it in a flow.

  --use MODULE    also describe the kinds of a code module (repeatable): an npm package name, a
                  file (./connectors/my-counter.ts) or a name on the search path, resolved from
                  the working directory as a flow there resolves its "use"

The kinds of the packages the project in the working directory depends on (package.json) that
carry the keyword "tremolo-kinds" are described without --use.
`;

export const DOC_HELP = `Usage: tremolo doc [SECTION|NAME...] [--use MODULE]... [--update DIR|FILE]

Prints the reference (Markdown) of connector kinds, codecs, processors and operators with their
config, defaults and ports, of the expression functions and of the error codes, from the same
schemas that validate flows. Without operands: every section.

  SECTION         connectors, codecs, processors, operators, functions or errors
  NAME            one connector kind, codec, processor or operator: \`tremolo doc ws_server\`
  --use MODULE    also document the kinds of a code module (repeatable): an npm package name, a
                  file (./connectors/my-counter.ts) or a name on the search path, resolved from
                  the working directory as a flow there resolves its "use"; the project's installed
                  packages marked "tremolo-kinds" are documented without it
  --update DIR    write one page per name, and an index, into DIR (tremolo keeps docs/reference
                  this way: \`tremolo doc --update docs/reference\`); pages of names that are gone
                  are removed
  --update FILE   rewrite the text between <!-- reference:SECTION --> and <!-- /reference:SECTION -->
                  markers in a Markdown FILE
`;

export const TEST_HELP = `Usage: tremolo test [integration] [DIR] [options]

Runs every test folder under DIR (default tests/integration, else test/integration): a folder with flow files, inputs,
expected.* files and optional assert, before, after, env and tags files (YAML or JSON5), as
Tremor's \`tremor test integration\` does. Each test gets its own free ports, handed out by name to
its flows and before-processes as \${port:NAME}.

Options
  -i, --includes TAG   run only tests with this tag (repeatable; the folder name is a tag)
  -e, --excludes TAG   skip tests with this tag (repeatable)
  -t, --timeout SECS   time limit per test (default 60)
  -j, --jobs N         tests run at once (default 1)
  -o, --report FILE    write the results as JSON
      --junit FILE     write the results as JUnit XML
  -h, --help           this text

Prints one line per test with its verdict and time, the failures with a diff, and a last line
"N passed, N failed". Exit status 0 only when every test passed.
`;

export const HASH_PASSWORD_HELP = `Usage: tremolo hash-password [USER] < password

Reads a password on stdin and prints its scrypt hash, or USER:hash, a line for the users file of a
server's auth.basic. Passwords are never taken on the command line (other users could see them).

  printf '%s' 's3cret' | tremolo hash-password ann >> users
`;

export const NEW_HELP = `Usage: tremolo new flow|connector|codec|processor|operator NAME [--dir DIR]

Writes a starting point and its test (test/NAME.test.ts, uvu), which passes as written:
  flow        flows/NAME.json5       an HTTP service: $schema, args, a connector, a pipeline, links
  connector   connectors/NAME.ts     defineConnector: zod config, metadata, ports, lifecycle hooks
  codec       connectors/NAME.ts     defineCodec: decode and encode
  processor   connectors/NAME.ts     defineProcessor: pre and post, with per-stream state
  operator    pipelines/NAME.ts      defineOperator with perEvent

NAME is lowercase letters and digits, words joined by "_" or "-". Files are kebab-case
(my-counter.ts); connector kinds and operators are snake_case (my_counter), codecs and
processors kebab-case (my-counter), as the built-ins are. A built-in name, or a file that exists
already, is refused with exit status 2, and nothing is written.

Options
  --dir DIR    the project folder to write into (default: the working directory)
  -h, --help   this text

The code imports 'tremolo' and 'zod', the tests 'tremolo/testing' and 'uvu'; run a test with
node --import tsx test/NAME.test.ts (with tremolo installed in the project, as docs/cli.md says:
npm install zod && npm install -D uvu tsx).
`;

export const COMPLETION_HELP = `Usage: tremolo completion bash|zsh|fish

Prints a script that makes the shell complete tremolo's commands, their options, the values of
options that take a few words (--log-level, --log-format, --workers), flow files (.json5, .json,
.troy) and folders.

  source <(tremolo completion bash)          # bash, now; for good: add that line to ~/.bashrc
  source <(tremolo completion zsh)           # zsh, after compinit; for good: save it as _tremolo in $fpath
  tremolo completion fish | source           # fish; for good: > ~/.config/fish/completions/tremolo.fish
`;

export const GRAPH_HELP = `Usage: tremolo graph FLOW [--arg NAME=VALUE]... > flow.svg

Draws a flow file (.json5 or .troy) as an SVG picture on stdout, without running it: its
connectors, its pipelines with their operators, and the links between their ports; links that
lead back (an echo's replies) loop below. It is the drawing that the status API's page shows live,
with events per second on each link: tremolo run FLOW --api PORT, then open http://127.0.0.1:PORT/

Options
  --arg NAME=VALUE     override a flow arg (repeatable), as for run
  -h, --help           this text

\${port:NAME} placeholders take their value from TREMOLO_PORTS where it has one, else 0: nothing
is bound to draw a flow.

Exit status: 0 with the drawing on stdout; 1 when the flow has problems (each printed on stderr as
validate prints them, and nothing on stdout); 2 for a usage error.
`;
