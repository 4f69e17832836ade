// The types a plugin author works with: its manifest, the call's input,
// the output it returns, and the Plugin class it extends.
import { Value, ObjectWriter, encodeString } from "./json";

export const ABI_VERSION: i32 = 1;

export const STATUS_HEALTHY = "healthy";
export const STATUS_FAILED = "failed";
export const STATUS_UNKNOWN = "unknown";
export const STATUS_OK = "ok";

// Manifest describes the plugin (docs/ABI.md §5). config is the JSON
// Schema of the config object, as JSON text.
export class Manifest {
  name: string = "";
  version: string = "";
  kind: string = "check"; // "check" | "reaction"
  description: string = "";
  config: string = '{"type":"object"}';
  capabilities: string[] = [];
  target: string = "";

  toJSON(): string {
    const caps = new Array<string>(this.capabilities.length);
    for (let i = 0; i < caps.length; i++) caps[i] = encodeString(this.capabilities[i]);
    const w = new ObjectWriter()
      .string("name", this.name)
      .string("version", this.version)
      .string("kind", this.kind)
      .number("abi", ABI_VERSION)
      .string("description", this.description)
      .raw("config", this.config)
      .raw("capabilities", "[" + caps.join(",") + "]");
    if (this.target.length > 0) w.string("target", this.target);
    return w.toString();
  }
}

// Context says which monitor (and for reactions which trigger) a call is for.
export class Context {
  monitorID: string = "";
  monitorName: string = "";
  zone: string = "";
  scheduledAt: string = "";
  status: string = "";
  previousStatus: string = "";
  message: string = "";
  reactionID: string = "";
  reactionName: string = "";

  static from(v: Value | null): Context {
    const c = new Context();
    if (v === null) return c;
    c.monitorID = v.getString("monitor_id");
    c.monitorName = v.getString("monitor_name");
    c.zone = v.getString("zone");
    c.scheduledAt = v.getString("scheduled_at");
    c.status = v.getString("status");
    c.previousStatus = v.getString("previous_status");
    c.message = v.getString("message");
    c.reactionID = v.getString("reaction_id");
    c.reactionName = v.getString("reaction_name");
    return c;
  }
}

// Input is the document the host passes to runbook_call (docs/ABI.md §6).
export class Input {
  config: Value = Value.null();
  secrets: Value = Value.null();
  context: Context = new Context();
}

// Output is what a check or reaction returns (docs/ABI.md §7).
export class Output {
  metricNames: string[] = [];
  metricValues: f64[] = [];
  constructor(public status: string, public message: string) {}

  // metric adds a named number (durations in ms, sizes in bytes).
  metric(name: string, v: f64): Output {
    this.metricNames.push(name);
    this.metricValues.push(v);
    return this;
  }

  toJSON(): string {
    const w = new ObjectWriter().string("status", this.status).string("message", this.message);
    if (this.metricNames.length > 0) {
      const m = new ObjectWriter();
      for (let i = 0; i < this.metricNames.length; i++) m.number(this.metricNames[i], this.metricValues[i]);
      w.raw("metrics", m.toString());
    }
    return w.toString();
  }
}

export function healthy(message: string): Output {
  return new Output(STATUS_HEALTHY, message);
}
export function failed(message: string): Output {
  return new Output(STATUS_FAILED, message);
}
// unknown: the check could not decide (bad config, a denied capability).
export function unknown(message: string): Output {
  return new Output(STATUS_UNKNOWN, message);
}
// ok is a reaction's success.
export function ok(message: string): Output {
  return new Output(STATUS_OK, message);
}

// FieldError is one problem with one config field (docs/ABI.md §8).
export class FieldError {
  constructor(public field: string, public message: string) {}
}

// Plugin is what an author extends and passes to register(). validate is
// optional: the default accepts every config.
export abstract class Plugin {
  abstract manifest(): Manifest;
  abstract call(input: Input): Output;
  validate(config: Value): FieldError[] {
    return [];
  }
}
