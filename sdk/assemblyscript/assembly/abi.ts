// The ABI v1 exports (docs/ABI.md §2) and the runbook imports (§3). A
// plugin's entry file re-exports this module so the exports land in its
// wasm module: `export * from "runbook-sdk/assembly/abi";`.
import { parse, encodeString } from "./json";
import { Input, Context, Output, unknown, failed } from "./plugin";
import { plugin, manifestJSON } from "./register";

// Buffers the host holds addresses of must stay reachable for the GC: the
// input from runbook_alloc until the call consumes it, the result until
// the next export call replaces it.
let input: ArrayBuffer | null = null;
let result: ArrayBuffer = new ArrayBuffer(0);

function pack(buf: ArrayBuffer): u64 {
  return (<u64>changetype<usize>(buf) << 32) | <u64>buf.byteLength;
}

function keep(s: string): u64 {
  result = String.UTF8.encode(s);
  return pack(result);
}

// take decodes the input the host wrote into the buffer runbook_alloc
// returned, and releases that buffer.
function take(ptr: usize, len: u32): string {
  const buf = input;
  if (buf === null || changetype<usize>(buf) != ptr || len > <u32>buf.byteLength) {
    abort("host passed a buffer runbook_alloc did not return");
  }
  input = null;
  return String.UTF8.decodeUnsafe(ptr, len);
}

// Marker: makes the ABI version readable from the export section.
export function runbook_abi_v1(): void {}

export function runbook_manifest(): u64 {
  plugin();
  return pack(manifestJSON());
}

export function runbook_alloc(size: u32): usize {
  const buf = new ArrayBuffer(<i32>size + 1); // never zero-sized
  input = buf;
  return changetype<usize>(buf);
}

export function runbook_call(ptr: usize, len: u32): u64 {
  const p = plugin();
  const doc = parse(take(ptr, len));
  const isReaction = p.manifest().kind == "reaction";
  if (!doc.ok) return keep(errorOutput(isReaction, "input: " + doc.error).toJSON());
  const v = doc.value;
  const inp = new Input();
  const cfg = v.get("config");
  if (cfg !== null) inp.config = cfg;
  const sec = v.get("secrets");
  if (sec !== null) inp.secrets = sec;
  inp.context = Context.from(v.get("context"));
  return keep(p.call(inp).toJSON());
}

export function runbook_validate(ptr: usize, len: u32): u64 {
  const p = plugin();
  const doc = parse(take(ptr, len));
  if (!doc.ok) return keep('{"errors":[{"message":"config is not valid JSON"}]}');
  const cfg = doc.value.get("config");
  const errs = p.validate(cfg === null ? doc.value : cfg);
  const parts = new Array<string>(errs.length);
  for (let i = 0; i < errs.length; i++) {
    parts[i] =
      '{"field":' + encodeString(errs[i].field) + ',"message":' + encodeString(errs[i].message) + "}";
  }
  return keep('{"errors":[' + parts.join(",") + "]}");
}

function errorOutput(reaction: bool, msg: string): Output {
  return reaction ? failed(msg) : unknown(msg);
}
