package web

import (
	"bytes"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
)

// schemaField is one top-level property of a plugin's config schema, as
// much as forms and secret masking need of it.
type schemaField struct {
	Name        string
	Type        string // string, integer, number, boolean, array, object
	ItemType    string // for arrays
	Description string
	Required    bool
	Default     any
	Enum        []any
	Secret      bool
	// SecretRef marks a "*_secret" field: it holds the name of a secret
	// (plugins/REACTIONS.md), not a credential, so it is shown as is and
	// the form offers a masked input for the named secret's value.
	SecretRef bool
	Format    string
}

type jsonSchema struct {
	Type       any                    `json:"type"`
	Required   []string               `json:"required"`
	Properties map[string]*jsonSchema `json:"properties"`
	Items      *jsonSchema            `json:"items"`
	Desc       string                 `json:"description"`
	Default    any                    `json:"default"`
	Enum       []any                  `json:"enum"`
	Format     string                 `json:"format"`
	WriteOnly  bool                   `json:"writeOnly"`
	XSecret    bool                   `json:"x-secret"`
}

func (j *jsonSchema) typ() string {
	switch t := j.Type.(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				return s
			}
		}
	}
	return "string"
}

// secretName catches fields that hold credentials even when the plugin
// author forgot to mark them (writeOnly, format password or x-secret).
var secretName = regexp.MustCompile(`(?i)(password|secret|token|api_?key|private_?key|credential)`)

// parseSchema returns the fields of a config schema in a stable order:
// required first, then by name.
func parseSchema(raw json.RawMessage) []schemaField {
	if len(raw) == 0 {
		return nil
	}
	var js jsonSchema
	if json.Unmarshal(raw, &js) != nil {
		return nil
	}
	req := map[string]bool{}
	for _, r := range js.Required {
		req[r] = true
	}
	var out []schemaField
	for name, p := range js.Properties {
		if p == nil {
			continue
		}
		f := schemaField{
			Name: name, Type: p.typ(), Description: p.Desc, Required: req[name], Default: p.Default,
			Enum: p.Enum, Format: p.Format,
			Secret: p.WriteOnly || p.XSecret || p.Format == "password" || secretName.MatchString(name),
		}
		if strings.HasSuffix(name, "_secret") && f.Type == "string" && !p.WriteOnly && !p.XSecret && p.Format != "password" {
			f.Secret, f.SecretRef = false, true
		}
		if p.Items != nil {
			f.ItemType = p.Items.typ()
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Required != out[j].Required {
			return out[i].Required
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// manifest finds a plugin's manifest (the current version unless one is
// pinned); ok is false when there is no catalog or no such plugin.
func (s *Server) manifest(kind abi.Kind, name, version string) (abi.Manifest, bool) {
	if s.cfg.Catalog == nil {
		return abi.Manifest{}, false
	}
	return findManifest(s.cfg.Catalog.Plugins(), kind, name, version)
}

func findManifest(ps []host.PluginInfo, kind abi.Kind, name, version string) (abi.Manifest, bool) {
	for _, p := range ps {
		if p.Name == name && p.Kind == kind && (version == "" && p.Current || p.Version == version) {
			return p.Manifest, p.Err == nil
		}
	}
	return abi.Manifest{}, false
}

// pluginList is the catalog's serving plugins of a kind, current versions.
func (s *Server) pluginList(kind abi.Kind) []host.PluginInfo {
	if s.cfg.Catalog == nil {
		return nil
	}
	var out []host.PluginInfo
	for _, p := range s.cfg.Catalog.Plugins() {
		if p.Kind == kind && p.Current {
			out = append(out, p)
		}
	}
	return out
}

// secretMask replaces secret values in what the web shows; sending it back
// unchanged means "keep the stored value".
const secretMask = "********"

// secretCache remembers each schema's secret fields: listing 10,000
// monitors must not parse the same schema 10,000 times.
var secretCache sync.Map // schema text -> []string

func secretFields(schema json.RawMessage) []string {
	if v, ok := secretCache.Load(string(schema)); ok {
		return v.([]string)
	}
	out := secretFieldsUncached(schema)
	secretCache.Store(string(schema), out)
	return out
}

func secretFieldsUncached(schema json.RawMessage) []string {
	var out []string
	for _, f := range parseSchema(schema) {
		if f.Secret {
			out = append(out, f.Name)
		}
	}
	return out
}

// maskConfig hides the secret fields of config. Headers are masked too:
// they commonly carry Authorization.
func maskConfig(config json.RawMessage, schema json.RawMessage) json.RawMessage {
	if len(config) == 0 {
		return config
	}
	secrets := secretFields(schema)
	// Most configs have nothing to hide: skip decoding them.
	if len(secrets) == 0 && !bytes.Contains(config, []byte(`"headers"`)) {
		return config
	}
	var m map[string]any
	if json.Unmarshal(config, &m) != nil {
		return config
	}
	changed := false
	for _, name := range secrets {
		if v, ok := m[name]; ok && v != "" && v != nil {
			m[name] = secretMask
			changed = true
		}
	}
	if h, ok := m["headers"].(map[string]any); ok {
		for k := range h {
			if strings.EqualFold(k, "authorization") || secretName.MatchString(k) {
				h[k] = secretMask
				changed = true
			}
		}
	}
	if !changed {
		return config
	}
	b, _ := json.Marshal(m)
	return b
}

// unmaskConfig puts the stored secret back wherever next still holds the
// mask, so a form or an exported file round-trips without the secret.
func unmaskConfig(next, old json.RawMessage) json.RawMessage {
	if len(next) == 0 || len(old) == 0 || !strings.Contains(string(next), secretMask) {
		return next
	}
	var n, o map[string]any
	if json.Unmarshal(next, &n) != nil || json.Unmarshal(old, &o) != nil {
		return next
	}
	restore(n, o)
	b, _ := json.Marshal(n)
	return b
}

func restore(n, o map[string]any) {
	for k, v := range n {
		switch x := v.(type) {
		case string:
			if x == secretMask {
				if ov, ok := o[k]; ok {
					n[k] = ov
				}
			}
		case map[string]any:
			if om, ok := o[k].(map[string]any); ok {
				restore(x, om)
			}
		}
	}
}

// stillMasked names a config field that holds the mask with nothing to
// restore it from (a new object): the user must type the real value.
func stillMasked(config json.RawMessage) string {
	var m map[string]any
	if json.Unmarshal(config, &m) != nil {
		return ""
	}
	for k, v := range m {
		if v == secretMask {
			return k
		}
		if h, ok := v.(map[string]any); ok {
			for hk, hv := range h {
				if hv == secretMask {
					return k + "." + hk
				}
			}
		}
	}
	return ""
}
