/** Output seam for commands, so tests can run them in-process and read what they print. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Aborted on SIGINT/SIGTERM for long-running commands. */
  signal: AbortSignal;
}

export function processIo(): CliIo {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    signal: ac.signal,
  };
}

/** In-memory io for tests. */
export function memoryIo(
  signal: AbortSignal = new AbortController().signal,
): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), signal };
}
