package host

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

const testSchema = `{
  "type": "object",
  "required": ["url"],
  "additionalProperties": false,
  "properties": {
    "url":     {"type": "string"},
    "codes":   {"type": "array", "items": {"type": "integer", "minimum": 100}},
    "headers": {"type": "object", "additionalProperties": {"type": "string"}},
    "tls":     {"$ref": "#/$defs/tls"}
  },
  "$defs": {"tls": {"type": "object", "properties": {"verify": {"type": "boolean"}}}}
}`

func TestConfigSchemaNamesTheField(t *testing.T) {
	cs, err := compileConfigSchema(json.RawMessage(testSchema))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, config string
		want         []abi.FieldError
	}{
		{"ok", `{"url":"http://a"}`, nil},
		{"ok again (cached)", `{"url":"http://a"}`, nil},
		{"missing", `{}`, []abi.FieldError{{Field: "url", Message: "required"}}},
		{"absent config is an empty object", ``, []abi.FieldError{{Field: "url", Message: "required"}}},
		{"unknown field", `{"url":"x","bogus":1}`, []abi.FieldError{{Field: "bogus", Message: "not allowed (no such field)"}}},
		{"wrong type", `{"url":5}`, []abi.FieldError{{Field: "url", Message: "got number, want string"}}},
		{"array item", `{"url":"x","codes":[200,"x"]}`, []abi.FieldError{{Field: "codes.1", Message: "got string, want integer"}}},
		{"nested map", `{"url":"x","headers":{"X-Probe":1}}`, []abi.FieldError{{Field: "headers.X-Probe", Message: "got number, want string"}}},
		{"through $ref", `{"url":"x","tls":{"verify":"yes"}}`, []abi.FieldError{{Field: "tls.verify", Message: "got string, want boolean"}}},
		{"not json", `{`, []abi.FieldError{{Message: "config is not valid JSON"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := cs.check(json.RawMessage(c.config)); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("check(%s) = %+v; want %+v", c.config, got, c.want)
			}
		})
	}
	if n := len(cs.accepted.m); n != 1 {
		t.Errorf("%d accepted configs cached; want 1", n)
	}
}

func TestConfigSchemaRefusesOutsideReferencesAndBadSchemas(t *testing.T) {
	cases := []struct{ name, schema, want string }{
		{"file ref", `{"$ref": "file:///etc/passwd"}`, "may not reference file:///etc/passwd"},
		{"http ref", `{"$ref": "http://127.0.0.1:1/s.json"}`, "may not reference"},
		{"bad type", `{"type": "objekt"}`, "config schema"},
		{"not json", `{`, "config schema"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := compileConfigSchema(json.RawMessage(c.schema))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v; want an error containing %q", err, c.want)
			}
		})
	}
	cs, err := compileConfigSchema(nil)
	if err != nil || cs.check(json.RawMessage(`{"anything":1}`)) != nil {
		t.Fatalf("no schema must accept anything: %v", err)
	}
}

func TestConfigSchemaCacheIsBounded(t *testing.T) {
	cs, err := compileConfigSchema(json.RawMessage(`{"type":"object"}`))
	if err != nil {
		t.Fatal(err)
	}
	for i := range maxMemoConfigs + 10 {
		cs.check(json.RawMessage(`{"n":` + strings.Repeat("1", i%50+1) + `,"i":` + string(rune('0'+i%10)) + `}`))
	}
	for i := range maxMemoConfigs + 10 {
		b, _ := json.Marshal(map[string]int{"i": i})
		cs.check(b)
	}
	if n := len(cs.accepted.m); n > maxMemoConfigs {
		t.Fatalf("%d cached configs; bound is %d", n, maxMemoConfigs)
	}
}
