/** What an alias, a port or a module name may be: it appears unquoted in links and in `.troy`. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
