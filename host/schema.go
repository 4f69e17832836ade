package host

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// configSchema is a plugin's manifest config schema, compiled once when
// the plugin (one digest) loads. The host checks every config against it
// before the plugin sees it, so plugins can trust the shape they declared
// and a bad monitor config gets an error naming the field without any
// guest code running.
type configSchema struct {
	schema *jsonschema.Schema // nil: the manifest declares no schema

	// accepted remembers configs that passed: validating is ~10x the
	// cost of this lookup (targetcache.go).
	accepted configMemo[struct{}]
}

// schemaURL names the schema resource; it is never fetched.
const schemaURL = "runbook:///config.schema.json"

var printer = message.NewPrinter(language.English)

// compileConfigSchema compiles a manifest's config schema (draft 2020-12
// unless it says otherwise). References outside the schema are refused: a
// plugin's schema must not make the host read files or the network.
// Formats are annotations, as 2020-12 specifies; plugins check semantics
// in their own validator.
func compileConfigSchema(raw json.RawMessage) (*configSchema, error) {
	cs := &configSchema{}
	if len(bytes.TrimSpace(raw)) == 0 {
		return cs, nil
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("config schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(noLoader{})
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("config schema: %w", err)
	}
	if cs.schema, err = c.Compile(schemaURL); err != nil {
		return nil, fmt.Errorf("config schema: %w", err)
	}
	return cs, nil
}

type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("config schema may not reference %s: only references within the schema are allowed", url)
}

// check validates config and returns one FieldError per problem, nil when
// it conforms. An absent config is checked as an empty object.
func (cs *configSchema) check(config json.RawMessage) []abi.FieldError {
	if cs == nil || cs.schema == nil {
		return nil
	}
	if len(config) == 0 {
		config = json.RawMessage("{}")
	}
	if _, ok := cs.accepted.get(config); ok {
		return nil
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(config))
	if err != nil {
		return []abi.FieldError{{Message: "config is not valid JSON"}}
	}
	if err := cs.schema.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return fieldErrors(ve)
		}
		return []abi.FieldError{{Message: err.Error()}}
	}
	cs.accepted.put(config, struct{}{})
	return nil
}

// fieldErrors flattens a validation error tree into its leaves, naming the
// field as a dotted path ("headers.X-Probe", "codes.0"). For required and
// additionalProperties the field is the property at fault, not the object
// that holds it.
func fieldErrors(ve *jsonschema.ValidationError) []abi.FieldError {
	var out []abi.FieldError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		path := e.InstanceLocation
		switch k := e.ErrorKind.(type) {
		case *kind.Required:
			for _, m := range k.Missing {
				out = append(out, abi.FieldError{Field: dotted(append(slices.Clone(path), m)), Message: "required"})
			}
			return
		case *kind.AdditionalProperties:
			for _, p := range k.Properties {
				out = append(out, abi.FieldError{Field: dotted(append(slices.Clone(path), p)), Message: "not allowed (no such field)"})
			}
			return
		}
		out = append(out, abi.FieldError{Field: dotted(path), Message: e.ErrorKind.LocalizedString(printer)})
	}
	walk(ve)
	return slices.CompactFunc(out, func(a, b abi.FieldError) bool { return a == b })
}

func dotted(tokens []string) string { return strings.Join(tokens, ".") }

// ConfigError is a config that does not conform to its plugin's schema.
type ConfigError struct {
	Plugin string
	Errors []abi.FieldError
}

func (e *ConfigError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		parts[i] = fe.Message
		if fe.Field != "" {
			parts[i] = fe.Field + ": " + fe.Message
		}
	}
	return fmt.Sprintf("plugin %s: config: %s", e.Plugin, strings.Join(parts, "; "))
}
