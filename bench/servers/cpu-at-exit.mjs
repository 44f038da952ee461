// Preloaded (--import) into both sides of the startup scenario's short commands: the CPU time the
// process used (every thread, as getrusage counts it), printed as it exits, where /proc can no
// longer be read. Costs both sides the same one small module.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`cpu-us ${user + system}\n`);
});
