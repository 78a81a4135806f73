/**
 * A minimal writer of workflow commands (`::error title=…::message`), escaped exactly as @actions/core
 * escapes them. The bundle's fast path uses it to mask secrets and report bad input before
 * @actions/core and the SDKs are loaded.
 */
import { writeSync } from 'node:fs';

export type CommandProperties = Record<string, string | number | undefined>;

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Format one workflow command line (without the trailing newline). */
export function formatCommand(command: string, properties: CommandProperties, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/**
 * Write to stdout synchronously. `fs.writeSync(1)` avoids creating `process.stdout` (a stream, and for a
 * pipe a socket) on the fast path.
 */
function writeStdout(text: string): void {
  try {
    writeSync(1, text);
  } catch (error) {
    // A non-blocking descriptor that is full: the stream queues the rest. Anything else (a closed pipe):
    // there is no one to tell.
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') process.stdout.write(text);
  }
}

/** Write a workflow command to stdout. */
export function issueCommand(
  command: string,
  properties: CommandProperties,
  message: string,
  write: (text: string) => void = writeStdout,
): void {
  write(`${formatCommand(command, properties, message)}\n`);
}
