/** The built-in pipeline operators. A new operator is one file plus one line here. */
export const builtinOperators = [];
