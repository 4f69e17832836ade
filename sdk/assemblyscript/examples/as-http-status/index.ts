// as-http-status is the http-status check written in AssemblyScript: GET
// a URL through the host's http capability and report healthy when the
// status is one of the expected codes. It exists to prove the ABI is
// language-neutral; the Go http-status plugin is the one to deploy.
import {
  register, Plugin, Manifest, Input, Output, FieldError, Value,
  HTTPRequest, http, healthy, failed, unknown, KIND_ARRAY, KIND_NUMBER,
} from "../../assembly";

const SCHEMA = `{
  "type": "object",
  "required": ["url"],
  "additionalProperties": false,
  "properties": {
    "url":     {"type": "string", "description": "http:// or https:// URL to request"},
    "method":  {"type": "string", "default": "GET"},
    "codes":   {"type": "array", "items": {"type": "integer"}, "default": [200]},
    "timeout": {"type": "number", "description": "seconds", "default": 10}
  }
}`;

class HTTPStatus extends Plugin {
  manifest(): Manifest {
    const m = new Manifest();
    m.name = "as-http-status";
    m.version = "0.1.0";
    m.kind = "check";
    m.description = "GET a URL; healthy when the status is expected (AssemblyScript)";
    m.config = SCHEMA;
    m.capabilities = ["http"];
    m.target = "url";
    return m;
  }

  validate(config: Value): FieldError[] {
    const errs: FieldError[] = [];
    const url = config.getString("url");
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      errs.push(new FieldError("url", "want an absolute http:// or https:// URL"));
    }
    if (config.getNumber("timeout") < 0) errs.push(new FieldError("timeout", "must not be negative"));
    return errs;
  }

  call(input: Input): Output {
    const cfg = input.config;
    const errs = this.validate(cfg);
    if (errs.length > 0) return unknown("config: " + errs[0].field + ": " + errs[0].message);

    const req = new HTTPRequest();
    req.url = cfg.getString("url");
    req.method = cfg.getString("method", "GET").toUpperCase();
    req.timeoutMS = <i32>(cfg.getNumber("timeout") * 1000);
    req.maxBodyBytes = 1; // the body is not looked at; don't ship it across
    req.omitHeaders = true; // nor the headers
    const resp = http(req);
    const err = resp.error;
    if (err !== null) {
      // Denied or malformed says nothing about the target's health.
      const what = req.method + " " + req.url + ": " + err.toString();
      return err.code == "failed" ? failed(what) : unknown(what);
    }
    const codes = expected(cfg);
    let out = failed(req.method + " " + req.url + ": status " + resp.status.toString() + ", want one of [" + codes.join(",") + "]");
    if (codes.includes(resp.status)) out = healthy("status " + resp.status.toString());
    return out
      .metric("status", <f64>resp.status)
      .metric("total_ms", resp.totalMS)
      .metric("first_byte_ms", resp.firstByteMS);
  }
}

function expected(cfg: Value): i32[] {
  const out: i32[] = [];
  const v = cfg.get("codes");
  if (v !== null && v.kind == KIND_ARRAY) {
    for (let i = 0; i < v.items.length; i++) {
      if (v.items[i].kind == KIND_NUMBER) out.push(<i32>v.items[i].n);
    }
  }
  if (out.length == 0) out.push(200);
  return out;
}

register(new HTTPStatus());

export * from "../../assembly/abi";
