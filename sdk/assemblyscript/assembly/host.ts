// Host capabilities (docs/ABI.md §9) through the runbook imports.
import { Value, parse, ObjectWriter, encodeString, KIND_OBJECT, KIND_ARRAY, KIND_STRING } from "./json";

@external("runbook", "host_call")
declare function host_call(namePtr: usize, nameLen: u32, reqPtr: usize, reqLen: u32): i64;

@external("runbook", "host_result")
declare function host_result(ptr: usize): i32;

// HostError is a capability failure: code is unknown_capability, denied,
// bad_request or failed (the operation ran and failed), or "abi" when the
// host rejected the exchange itself.
export class HostError {
  constructor(public code: string, public message: string) {}
  toString(): string {
    return this.code + ": " + this.message;
  }
}

// HostResult holds a capability's result or its error.
export class HostResult {
  result: Value = Value.null();
  error: HostError | null = null;
}

// Reply is what a host_call returned: the bytes, or why there are none.
class Reply {
  buf: ArrayBuffer = new ArrayBuffer(0);
  len: i32 = 0;
  error: HostError | null = null;
}

// exchange runs capability name with a request JSON. The exchange has two
// steps so the host never calls back into the guest: host_call runs the
// capability and parks the response; host_result copies it into a buffer
// this side allocated.
function exchange(name: string, request: string): Reply {
  const r = new Reply();
  const nameBuf = String.UTF8.encode(name);
  const reqBuf = String.UTF8.encode(request);
  const n = host_call(changetype<usize>(nameBuf), nameBuf.byteLength, changetype<usize>(reqBuf), reqBuf.byteLength);
  if (n < 0) {
    r.error = new HostError("abi", "host_call failed with code " + n.toString());
    return r;
  }
  r.buf = new ArrayBuffer(<i32>n + 1);
  const w = host_result(changetype<usize>(r.buf));
  if (w < 0) {
    r.error = new HostError("abi", "host_result failed with code " + w.toString());
    return r;
  }
  r.len = w;
  return r;
}

// envelope reads a JSON response envelope.
function envelope(reply: Reply): HostResult {
  const r = new HostResult();
  if (reply.error !== null) {
    r.error = reply.error;
    return r;
  }
  const doc = parse(String.UTF8.decodeUnsafe(changetype<usize>(reply.buf), <usize>reply.len));
  if (!doc.ok) {
    r.error = new HostError("abi", "bad envelope: " + doc.error);
    return r;
  }
  const e = doc.value.get("error");
  if (e !== null) {
    r.error = new HostError(e.getString("code"), e.getString("message"));
    return r;
  }
  const res = doc.value.get("result");
  if (res !== null) r.result = res;
  return r;
}

// call runs capability name with a request JSON and reads its envelope.
export function call(name: string, request: string): HostResult {
  return envelope(exchange(name, request));
}

// log writes to the plugin's log (level debug|info|warn|error). Failures
// are ignored: logging must never change a check's result.
export function log(level: string, message: string): void {
  call("log", new ObjectWriter().string("level", level).string("message", message).toString());
}

// nowUnixNano is the host's wall clock, in nanoseconds since 1970.
export function nowUnixNano(): i64 {
  const r = call("now", "{}");
  return r.error === null ? <i64>r.result.getNumber("unix_nano") : 0;
}

// HTTPRequest is the request of the "http" capability.
export class HTTPRequest {
  method: string = "GET";
  url: string = "";
  // host overrides the Host header (virtual hosting on an IP target).
  host: string = "";
  headerNames: string[] = [];
  headerValues: string[] = [];
  timeoutMS: i32 = 0;
  // maxBodyBytes caps the body shipped back; 0 is the host's default.
  maxBodyBytes: i32 = 0;
  followRedirects: bool = false;
  // omitHeaders leaves the response headers out: cheaper when unread.
  omitHeaders: bool = false;
  insecureSkipVerify: bool = false;
  serverName: string = "";

  header(name: string, value: string): HTTPRequest {
    this.headerNames.push(name);
    this.headerValues.push(value);
    return this;
  }

  toJSON(): string {
    const w = new ObjectWriter().string("method", this.method).string("url", this.url);
    if (this.host.length > 0) w.string("host", this.host);
    if (this.headerNames.length > 0) {
      const h = new ObjectWriter();
      for (let i = 0; i < this.headerNames.length; i++) {
        h.raw(this.headerNames[i], "[" + encodeString(this.headerValues[i]) + "]");
      }
      w.raw("headers", h.toString());
    }
    if (this.timeoutMS > 0) w.number("timeout_ms", this.timeoutMS);
    if (this.maxBodyBytes > 0) w.number("max_body_bytes", this.maxBodyBytes);
    if (this.followRedirects) w.bool("follow_redirects", true);
    if (this.omitHeaders) w.bool("omit_headers", true);
    // The binary result (docs/ABI.md §9) is read with a few loads instead
    // of a JSON parse; a host that predates it answers JSON, read below.
    w.string("reply", "binary");
    if (this.insecureSkipVerify || this.serverName.length > 0) {
      const t = new ObjectWriter();
      if (this.insecureSkipVerify) t.bool("insecure_skip_verify", true);
      if (this.serverName.length > 0) t.string("server_name", this.serverName);
      w.raw("tls", t.toString());
    }
    return w.toString();
  }
}

// HTTPResponse is the result of the "http" capability; error is set (and
// the rest zero) when the request was denied or failed.
export class HTTPResponse {
  status: i32 = 0;
  proto: string = "";
  headers: Value = Value.null();
  // bodyBase64 is the (capped) body, base64 as it crossed the boundary.
  bodyBase64: string = "";
  size: f64 = 0;
  truncated: bool = false;
  totalMS: f64 = 0;
  firstByteMS: f64 = 0;
  error: HostError | null = null;
}

export function http(req: HTTPRequest): HTTPResponse {
  const reply = exchange("http", req.toJSON());
  if (reply.error === null && reply.len > 0 && load<u8>(changetype<usize>(reply.buf)) == BINARY_REPLY_TAG) {
    return readBinary(reply);
  }
  const resp = new HTTPResponse();
  const r = envelope(reply);
  if (r.error !== null) {
    resp.error = r.error;
    return resp;
  }
  const v = r.result;
  resp.status = <i32>v.getNumber("status");
  resp.proto = v.getString("proto");
  const h = v.get("headers");
  if (h !== null) resp.headers = h;
  resp.bodyBase64 = v.getString("body");
  resp.size = v.getNumber("size");
  resp.truncated = v.getBool("truncated");
  const t = v.get("timing");
  if (t !== null) {
    resp.totalMS = t.getNumber("total_ms");
    resp.firstByteMS = t.getNumber("first_byte_ms");
  }
  return resp;
}

const BINARY_REPLY_TAG: u8 = 0xb1;
const BINARY_HEADER: i32 = 52; // tag, flags, status, size, 5 timings

// readBinary reads the binary http result (docs/ABI.md §9, "reply").
// Every length is checked against the reply: a malformed one is an
// "abi" error, never a read past it.
function readBinary(reply: Reply): HTTPResponse {
  const resp = new HTTPResponse();
  const p = changetype<usize>(reply.buf);
  const end = reply.len;
  if (end < BINARY_HEADER + 10) return badBinary(resp);
  resp.truncated = (load<u8>(p + 1) & 1) != 0;
  resp.status = <i32>load<u16>(p + 2);
  resp.size = <f64>load<i64>(p + 4);
  resp.firstByteMS = load<f64>(p + 36);
  resp.totalMS = load<f64>(p + 44);
  let off: i32 = BINARY_HEADER;
  const protoLen = <i32>load<u16>(p + off);
  off += 2;
  if (off + protoLen + 8 > end) return badBinary(resp);
  resp.proto = String.UTF8.decodeUnsafe(p + off, protoLen);
  off += protoLen;
  const count = load<u32>(p + off);
  off += 4;
  if (count > 0) {
    const h = new Value();
    h.kind = KIND_OBJECT;
    for (let i: u32 = 0; i < count; i++) {
      if (off + 6 > end) return badBinary(resp);
      const kl = <i32>load<u16>(p + off);
      off += 2;
      if (off + kl + 4 > end) return badBinary(resp);
      h.keys.push(String.UTF8.decodeUnsafe(p + off, kl));
      off += kl;
      const nv = load<u32>(p + off);
      off += 4;
      const vs = new Value();
      vs.kind = KIND_ARRAY;
      for (let j: u32 = 0; j < nv; j++) {
        if (off + 4 > end) return badBinary(resp);
        const vl = <i32>load<u32>(p + off);
        off += 4;
        if (vl < 0 || off + vl > end) return badBinary(resp);
        const v = new Value();
        v.kind = KIND_STRING;
        v.s = String.UTF8.decodeUnsafe(p + off, vl);
        vs.items.push(v);
        off += vl;
      }
      h.items.push(vs);
    }
    resp.headers = h;
  }
  if (off + 4 > end) return badBinary(resp);
  const bodyLen = <i32>load<u32>(p + off);
  off += 4;
  if (bodyLen < 0 || off + bodyLen != end) return badBinary(resp);
  if (bodyLen > 0) resp.bodyBase64 = base64(p + off, bodyLen);
  return resp;
}

function badBinary(resp: HTTPResponse): HTTPResponse {
  resp.status = 0;
  resp.error = new HostError("abi", "malformed binary http result");
  return resp;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// base64 keeps HTTPResponse.bodyBase64 what it was on the JSON path.
function base64(p: usize, n: i32): string {
  let out = "";
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const v = (<u32>load<u8>(p + i) << 16) | (<u32>load<u8>(p + i + 1) << 8) | <u32>load<u8>(p + i + 2);
    out += B64.charAt((v >> 18) & 63) + B64.charAt((v >> 12) & 63) + B64.charAt((v >> 6) & 63) + B64.charAt(v & 63);
  }
  if (n - i == 1) {
    const v = <u32>load<u8>(p + i) << 16;
    out += B64.charAt((v >> 18) & 63) + B64.charAt((v >> 12) & 63) + "==";
  } else if (n - i == 2) {
    const v = (<u32>load<u8>(p + i) << 16) | (<u32>load<u8>(p + i + 1) << 8);
    out += B64.charAt((v >> 18) & 63) + B64.charAt((v >> 12) & 63) + B64.charAt((v >> 6) & 63) + "=";
  }
  return out;
}
