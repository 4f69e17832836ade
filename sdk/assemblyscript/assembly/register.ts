// The one plugin a module registers. Kept apart from abi.ts so that
// re-exporting the ABI exports nothing else.
import { Plugin } from "./plugin";
// Loads the abort replacement that asconfig.json names in "use".
import "./abort";

let registered: Plugin | null = null;
let manifestBuf: ArrayBuffer = new ArrayBuffer(0);

// register makes p this module's plugin. Call it once, at the top level
// of the entry file (the wasm start function runs it at instantiation).
export function register(p: Plugin): void {
  if (registered !== null) abort("register called twice; a module is one plugin");
  registered = p;
  manifestBuf = String.UTF8.encode(p.manifest().toJSON());
}

export function plugin(): Plugin {
  const p = registered;
  if (p === null) {
    abort("no plugin registered: call register() in the entry file");
  }
  return p!;
}

// manifestJSON is the registered plugin's manifest, encoded once: the host
// reads it through runbook_manifest, and it must stay reachable.
export function manifestJSON(): ArrayBuffer {
  plugin();
  return manifestBuf;
}
