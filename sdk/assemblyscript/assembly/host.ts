// Host capabilities (docs/ABI.md §9) through the runbook imports.
import { Value, parse, ObjectWriter, encodeString } from "./json";

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

// call runs capability name with a request JSON. The exchange has two
// steps so the host never calls back into the guest: host_call runs the
// capability and parks the response; host_result copies it into a buffer
// this side allocated.
export function call(name: string, request: string): HostResult {
  const r = new HostResult();
  const nameBuf = String.UTF8.encode(name);
  const reqBuf = String.UTF8.encode(request);
  const n = host_call(changetype<usize>(nameBuf), nameBuf.byteLength, changetype<usize>(reqBuf), reqBuf.byteLength);
  if (n < 0) {
    r.error = new HostError("abi", "host_call failed with code " + n.toString());
    return r;
  }
  const buf = new ArrayBuffer(<i32>n + 1);
  const w = host_result(changetype<usize>(buf));
  if (w < 0) {
    r.error = new HostError("abi", "host_result failed with code " + w.toString());
    return r;
  }
  const doc = parse(String.UTF8.decodeUnsafe(changetype<usize>(buf), <usize>w));
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
  const resp = new HTTPResponse();
  const r = call("http", req.toJSON());
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
