// A small JSON reader and writer. AssemblyScript has no JSON in its
// standard library, and the ABI moves only small documents (config,
// context, capability envelopes), so a tree of Values is simple and fast
// enough; a transform-based serializer would add a second dependency.

export const KIND_NULL: i32 = 0;
export const KIND_BOOL: i32 = 1;
export const KIND_NUMBER: i32 = 2;
export const KIND_STRING: i32 = 3;
export const KIND_ARRAY: i32 = 4;
export const KIND_OBJECT: i32 = 5;

// Value is one parsed JSON value. Objects keep their keys in order.
export class Value {
  kind: i32 = KIND_NULL;
  b: bool = false;
  n: f64 = 0;
  s: string = "";
  items: Value[] = [];
  keys: string[] = [];

  static null(): Value {
    return new Value();
  }

  // get returns the member key of an object, or null when absent or when
  // this is not an object.
  get(key: string): Value | null {
    if (this.kind != KIND_OBJECT) return null;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] == key) return this.items[i];
    }
    return null;
  }

  has(key: string): bool {
    return this.get(key) !== null;
  }

  // getString returns a string member, or def when absent or not a string.
  getString(key: string, def: string = ""): string {
    const v = this.get(key);
    if (v === null || v.kind != KIND_STRING) return def;
    return v.s;
  }

  getNumber(key: string, def: f64 = 0): f64 {
    const v = this.get(key);
    if (v === null || v.kind != KIND_NUMBER) return def;
    return v.n;
  }

  getBool(key: string, def: bool = false): bool {
    const v = this.get(key);
    if (v === null || v.kind != KIND_BOOL) return def;
    return v.b;
  }

  // toJSON writes the value back out.
  toJSON(): string {
    switch (this.kind) {
      case KIND_BOOL:
        return this.b ? "true" : "false";
      case KIND_NUMBER:
        return encodeNumber(this.n);
      case KIND_STRING:
        return encodeString(this.s);
      case KIND_ARRAY: {
        const parts = new Array<string>(this.items.length);
        for (let i = 0; i < this.items.length; i++) parts[i] = this.items[i].toJSON();
        return "[" + parts.join(",") + "]";
      }
      case KIND_OBJECT: {
        const parts = new Array<string>(this.keys.length);
        for (let i = 0; i < this.keys.length; i++) {
          parts[i] = encodeString(this.keys[i]) + ":" + this.items[i].toJSON();
        }
        return "{" + parts.join(",") + "}";
      }
    }
    return "null";
  }
}

// ParseResult carries either a value or the reason the text is not JSON:
// AssemblyScript has no exceptions a plugin could catch.
export class ParseResult {
  value: Value = Value.null();
  error: string = "";
  get ok(): bool {
    return this.error.length == 0;
  }
}

export function parse(text: string): ParseResult {
  const p = new Parser(text);
  const r = new ParseResult();
  p.ws();
  const v = p.value();
  p.ws();
  if (p.err.length == 0 && p.i != text.length) p.fail("trailing data");
  if (p.err.length > 0) {
    r.error = p.err;
    return r;
  }
  r.value = v;
  return r;
}

const MAX_DEPTH = 64; // a hostile document cannot exhaust the wasm stack

class Parser {
  i: i32 = 0;
  err: string = "";
  depth: i32 = 0;
  constructor(public t: string) {}

  fail(msg: string): Value {
    if (this.err.length == 0) this.err = msg + " at offset " + this.i.toString();
    return Value.null();
  }

  ws(): void {
    while (this.i < this.t.length) {
      const c = this.t.charCodeAt(this.i);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      this.i++;
    }
  }

  lit(word: string): bool {
    if (this.t.substr(this.i, word.length) != word) return false;
    this.i += word.length;
    return true;
  }

  value(): Value {
    if (this.err.length > 0) return Value.null();
    if (this.i >= this.t.length) return this.fail("unexpected end");
    const c = this.t.charCodeAt(this.i);
    if (c == 0x7b) return this.object();
    if (c == 0x5b) return this.array();
    if (c == 0x22) {
      const v = new Value();
      v.kind = KIND_STRING;
      v.s = this.str();
      return v;
    }
    if (c == 0x74 || c == 0x66) {
      const v = new Value();
      v.kind = KIND_BOOL;
      if (this.lit("true")) v.b = true;
      else if (!this.lit("false")) return this.fail("bad literal");
      return v;
    }
    if (c == 0x6e) {
      if (!this.lit("null")) return this.fail("bad literal");
      return Value.null();
    }
    return this.num();
  }

  num(): Value {
    const start = this.i;
    while (this.i < this.t.length) {
      const c = this.t.charCodeAt(this.i);
      // digits, sign, dot, exponent
      if ((c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x2b || c == 0x2e || c == 0x65 || c == 0x45) this.i++;
      else break;
    }
    if (start == this.i) return this.fail("unexpected character");
    const n = F64.parseFloat(this.t.substring(start, this.i));
    if (isNaN(n)) return this.fail("bad number");
    const v = new Value();
    v.kind = KIND_NUMBER;
    v.n = n;
    return v;
  }

  str(): string {
    this.i++; // opening quote
    const parts = new Array<string>();
    let start = this.i;
    while (this.i < this.t.length) {
      const c = this.t.charCodeAt(this.i);
      if (c == 0x22) {
        parts.push(this.t.substring(start, this.i));
        this.i++;
        return parts.join("");
      }
      if (c == 0x5c) {
        parts.push(this.t.substring(start, this.i));
        this.i++;
        if (this.i >= this.t.length) break;
        const e = this.t.charCodeAt(this.i);
        this.i++;
        if (e == 0x6e) parts.push("\n");
        else if (e == 0x74) parts.push("\t");
        else if (e == 0x72) parts.push("\r");
        else if (e == 0x62) parts.push("\b");
        else if (e == 0x66) parts.push("\f");
        else if (e == 0x75) {
          // UTF-16 code unit; surrogate pairs arrive as two escapes and
          // land in the UTF-16 string as they should.
          const code = I32.parseInt(this.t.substr(this.i, 4), 16);
          if (this.i + 4 > this.t.length || isNaN(<f64>code)) {
            this.fail("bad \\u escape");
            return "";
          }
          parts.push(String.fromCharCode(code));
          this.i += 4;
        } else parts.push(String.fromCharCode(e)); // \" \\ \/
        start = this.i;
        continue;
      }
      this.i++;
    }
    this.fail("unterminated string");
    return "";
  }

  array(): Value {
    if (++this.depth > MAX_DEPTH) return this.fail("nested too deep");
    this.i++;
    const v = new Value();
    v.kind = KIND_ARRAY;
    this.ws();
    if (this.i < this.t.length && this.t.charCodeAt(this.i) == 0x5d) {
      this.i++;
      this.depth--;
      return v;
    }
    while (this.err.length == 0) {
      this.ws();
      v.items.push(this.value());
      this.ws();
      if (this.i >= this.t.length) return this.fail("unterminated array");
      const c = this.t.charCodeAt(this.i++);
      if (c == 0x5d) break;
      if (c != 0x2c) return this.fail("want , or ]");
    }
    this.depth--;
    return v;
  }

  object(): Value {
    if (++this.depth > MAX_DEPTH) return this.fail("nested too deep");
    this.i++;
    const v = new Value();
    v.kind = KIND_OBJECT;
    this.ws();
    if (this.i < this.t.length && this.t.charCodeAt(this.i) == 0x7d) {
      this.i++;
      this.depth--;
      return v;
    }
    while (this.err.length == 0) {
      this.ws();
      if (this.i >= this.t.length || this.t.charCodeAt(this.i) != 0x22) return this.fail("want a key");
      const k = this.str();
      this.ws();
      if (this.i >= this.t.length || this.t.charCodeAt(this.i) != 0x3a) return this.fail("want :");
      this.i++;
      this.ws();
      v.keys.push(k);
      v.items.push(this.value());
      this.ws();
      if (this.i >= this.t.length) return this.fail("unterminated object");
      const c = this.t.charCodeAt(this.i++);
      if (c == 0x7d) break;
      if (c != 0x2c) return this.fail("want , or }");
    }
    this.depth--;
    return v;
  }
}

// encodeString quotes s as a JSON string.
export function encodeString(s: string): string {
  const parts = new Array<string>();
  parts.push('"');
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc = "";
    if (c == 0x22) esc = '\\"';
    else if (c == 0x5c) esc = "\\\\";
    else if (c == 0x0a) esc = "\\n";
    else if (c == 0x0d) esc = "\\r";
    else if (c == 0x09) esc = "\\t";
    else if (c < 0x20) esc = "\\u00" + (c < 0x10 ? "0" : "") + c.toString(16);
    else continue;
    parts.push(s.substring(start, i));
    parts.push(esc);
    start = i + 1;
  }
  parts.push(s.substring(start));
  parts.push('"');
  return parts.join("");
}

// encodeNumber writes integers without a fraction ("200", not "200.0")
// and non-finite numbers, which JSON cannot hold, as null.
export function encodeNumber(n: f64): string {
  if (!isFinite(n)) return "null";
  if (n == Math.floor(n) && Math.abs(n) < 9007199254740992.0) return (<i64>n).toString();
  return n.toString();
}

// ObjectWriter builds a JSON object string field by field.
export class ObjectWriter {
  private parts: string[] = [];

  raw(key: string, json: string): ObjectWriter {
    this.parts.push(encodeString(key) + ":" + json);
    return this;
  }
  string(key: string, v: string): ObjectWriter {
    return this.raw(key, encodeString(v));
  }
  number(key: string, v: f64): ObjectWriter {
    return this.raw(key, encodeNumber(v));
  }
  bool(key: string, v: bool): ObjectWriter {
    return this.raw(key, v ? "true" : "false");
  }
  toString(): string {
    return "{" + this.parts.join(",") + "}";
  }
}
