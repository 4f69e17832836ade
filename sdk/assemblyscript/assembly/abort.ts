// Replaces AssemblyScript's env.abort import; asconfig.json wires it with
// "use": ["abort=assembly/abort/runbookAbort"].
import { log } from "./host";

// runbookAbort replaces AssemblyScript's env.abort import (wired with
// --use abort=...): the message goes to the plugin's log through the log
// capability, then the instance traps and the host discards it. So a
// plugin imports nothing but "runbook" and needs no "env" module.
export function runbookAbort(
  message: string | null = null,
  fileName: string | null = null,
  line: u32 = 0,
  column: u32 = 0,
): void {
  let where = fileName === null ? "?" : fileName;
  log("error", "abort: " + (message === null ? "" : message) + " at " + where + ":" + line.toString() + ":" + column.toString());
  unreachable();
}
