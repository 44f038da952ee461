export const MAIN_HELP = `tremolo: run stream-processing flows of WebSocket, socket, file and timer connectors

Usage
  tremolo run FLOW... [--arg NAME=VALUE]... [--log-level LEVEL] [--drain-timeout MS]
  tremolo validate FLOW...
  tremolo schema
  tremolo doc [SECTION...]
  tremolo --help | -h
  tremolo --version | -v

Commands
  run        deploy the flows and run until an exit connector, SIGINT or SIGTERM stops them
  validate   check flow files; print every problem with file:line:column; exit 1 if any
  schema     print the JSON Schema of flow files (for editors: "$schema" in a flow)
  doc        print the reference of connectors, codecs, processors, operators and error codes

Run "tremolo COMMAND --help" for a command's options.
`;

export const RUN_HELP = `Usage: tremolo run FLOW... [options]

Deploys every flow file and runs until an exit connector asks to stop, or SIGINT / SIGTERM arrives.
A stop is graceful: sources stop, events in flight drain to the sinks (bounded by --drain-timeout),
then connections close. A second signal exits at once.

Options
  --arg NAME=VALUE     override a flow arg (repeatable); VALUE is JSON5 where it parses, else text
  --log-level LEVEL    error | warn | info (default) | debug | trace; logs go to stderr
  --drain-timeout MS   how long a graceful stop waits for sinks (default 5000)
  -h, --help           this text

Exit status: the code an exit connector asked for; 0 after a signal; 1 when a flow cannot load or start.

Environment
  TREMOLO_PATH         extra folders (colon-separated) searched for modules named in "use"
`;

export const VALIDATE_HELP = `Usage: tremolo validate FLOW... [--arg NAME=VALUE]...

Loads each flow without running it and prints every problem as FILE:LINE:COLUMN: PATH: MESSAGE.
Exit status 0 when all flows are valid, 1 otherwise.
`;

export const SCHEMA_HELP = `Usage: tremolo schema

Prints the JSON Schema of flow files, derived from the schemas that validate them, including the
config of every connector kind, codec, processor and operator. Point "$schema" at it in a flow.
`;

export const DOC_HELP = `Usage: tremolo doc [SECTION...] [--update FILE]

Prints the reference (Markdown) of every connector kind, codec, processor and operator with their
config, defaults and ports, and of the error codes, from the same schemas that validate flows.
Sections: connectors, codecs, processors, operators, errors (default: all).

  --update FILE   rewrite the text between <!-- reference:SECTION --> and <!-- /reference:SECTION -->
                  markers in FILE (the README keeps its reference this way)
`;
