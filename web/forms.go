package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
)

// formField is one generated input of a plugin's config.
type formInput struct {
	schemaField
	// Input is the HTML input type; Value what it shows.
	Input string
	Value string
	Error string
	// Options for enums.
	Options []string
	// SecretName is the secret a SecretRef field names; SecretSet whether
	// the object holds it (markSecretInputs).
	SecretName string
	SecretSet  bool
}

// configInputs builds the inputs of a config form from a schema, filled
// from config (secrets masked) and with errs keyed "config.<name>".
func configInputs(schema, config json.RawMessage, errs map[string]string) []formInput {
	var vals map[string]any
	_ = json.Unmarshal(config, &vals)
	var out []formInput
	for _, f := range parseSchema(schema) {
		in := formInput{schemaField: f, Error: errs["config."+f.Name]}
		v, has := vals[f.Name]
		if !has {
			v = f.Default
		}
		switch {
		case len(f.Enum) > 0:
			in.Input = "select"
			for _, e := range f.Enum {
				in.Options = append(in.Options, fmt.Sprint(e))
			}
		case f.Type == "boolean":
			in.Input = "checkbox"
		case f.Type == "integer" || f.Type == "number":
			in.Input = "number"
		case f.Type == "object":
			in.Input = "textarea"
		case f.Secret:
			in.Input = "password"
		default:
			in.Input = "text"
		}
		in.Value = formatValue(f, v)
		if f.Secret && has && in.Value != "" {
			in.Value = secretMask
		}
		out = append(out, in)
	}
	return out
}

func formatValue(f schemaField, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		ks := keys(x)
		lines := make([]string, 0, len(ks))
		for _, k := range ks {
			val := fmt.Sprint(x[k])
			if strings.EqualFold(k, "authorization") || secretName.MatchString(k) {
				val = secretMask
			}
			lines = append(lines, k+": "+val)
		}
		return strings.Join(lines, "\n")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// readConfig turns the posted config.* fields back into JSON typed by the
// schema. Errors name the field ("config.codes") so the form shows them
// beside the input.
func readConfig(c *fiber.Ctx, schema json.RawMessage) (json.RawMessage, engine.FieldErrors) {
	var errs engine.FieldErrors
	out := map[string]any{}
	for _, f := range parseSchema(schema) {
		name := "config." + f.Name
		raw := strings.TrimSpace(c.FormValue(name))
		if f.Type == "boolean" {
			out[f.Name] = raw == "on" || raw == "true"
			continue
		}
		if raw == "" {
			if f.Required {
				errs.Add(name, "is required")
			}
			continue
		}
		switch f.Type {
		case "integer":
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				errs.Add(name, "must be a whole number")
				continue
			}
			out[f.Name] = n
		case "number":
			n, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				errs.Add(name, "must be a number")
				continue
			}
			out[f.Name] = n
		case "array":
			var items []any
			for _, part := range strings.Split(raw, ",") {
				part = strings.TrimSpace(part)
				if part == "" {
					continue
				}
				if f.ItemType == "integer" || f.ItemType == "number" {
					n, err := strconv.ParseFloat(part, 64)
					if err != nil {
						errs.Add(name, "%q is not a number", part)
						continue
					}
					items = append(items, n)
				} else {
					items = append(items, part)
				}
			}
			out[f.Name] = items
		case "object":
			m := map[string]string{}
			for _, line := range strings.Split(raw, "\n") {
				line = strings.TrimSpace(line)
				if line == "" {
					continue
				}
				k, v, ok := strings.Cut(line, ":")
				if !ok {
					errs.Add(name, "write one 'Name: value' per line, not %q", line)
					continue
				}
				m[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
			out[f.Name] = m
		default:
			out[f.Name] = raw
		}
	}
	b, _ := json.Marshal(out)
	return b, errs
}

// fieldMap turns an error into field → reason for the form, and a
// message for errors that name no field.
func fieldMap(err error) (map[string]string, string) {
	m := map[string]string{}
	if err == nil {
		return m, ""
	}
	if fes, ok := engine.AsFieldErrors(err); ok {
		for _, fe := range fes {
			if _, dup := m[fe.Field]; !dup {
				m[fe.Field] = fe.Reason
			}
		}
		return m, "Please fix the fields marked below."
	}
	if le, ok := err.(*limitError); ok {
		m[le.Field] = le.Reason
		return m, le.Reason
	}
	return m, err.Error()
}

// formList reads a multi-valued form field (checkboxes).
func formList(c *fiber.Ctx, name string) []string {
	var out []string
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == name && len(v) > 0 {
			out = append(out, string(v))
		}
	})
	sort.Strings(out)
	return out
}
