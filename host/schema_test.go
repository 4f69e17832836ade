package host_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
)

// The manifest's schema is checked before the plugin's own validator and
// before every call, with the field named.
func TestConfigCheckedAgainstManifestSchema(t *testing.T) {
	h := hosttest.New(t, "http-status")
	srv := okServer(t)
	cases := []struct {
		name, config string
		want         []abi.FieldError
	}{
		{"missing url", `{}`, []abi.FieldError{{Field: "url", Message: "required"}}},
		{"misspelt field", `{"url":"` + srv.URL + `","code":[200]}`, []abi.FieldError{{Field: "code", Message: "not allowed (no such field)"}}},
		{"wrong item type", `{"url":"` + srv.URL + `","codes":["200"]}`, []abi.FieldError{{Field: "codes.0", Message: "got string, want integer"}}},
		// Schema passes; the plugin's own validator speaks.
		{"plugin validator", `{"url":"ftp://x"}`, []abi.FieldError{{Field: "", Message: "url: want an absolute http:// or https:// URL"}}},
		{"good", `{"url":"` + srv.URL + `"}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs, err := h.Validate(ctxT(t), "http-status", "", json.RawMessage(c.config))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(errs, c.want) {
				t.Fatalf("Validate = %+v; want %+v", errs, c.want)
			}
			out, _, err := h.Call(ctxT(t), host.Call{Plugin: "http-status", Input: abi.Input{Config: json.RawMessage(c.config)}})
			var ce *host.ConfigError
			switch {
			case c.want == nil && (err != nil || out.Status != abi.StatusHealthy):
				t.Fatalf("Call = %+v, %v; want healthy", out, err)
			case c.want != nil && c.want[0].Field != "" &&
				(!errors.As(err, &ce) || out.Status != abi.StatusUnknown || !strings.Contains(out.Message, c.want[0].Field+": ")):
				t.Fatalf("Call = %+v, %v; want unknown naming %q before the plugin runs", out, err, c.want[0].Field)
			}
		})
	}
}
