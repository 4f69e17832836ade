package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
)

// Secrets are write-only. Clients send {"secrets": {"name": "value"}} on
// create or edit; the web seals them with the deployment's Box into the
// object's SealedSecrets, and every response shows only the names
// ("secret_names"). On an edit, omitted secrets are kept and a name sent
// with "" is deleted, so an exported file (names only) applies without
// wiping anything.

const (
	maxSecrets      = 32
	maxSecretLength = 64 << 10 // an SSH private key fits
)

// errNoBox is what a client gets when this web was started without a key:
// say how to fix it rather than storing secrets in the clear.
var errNoBox = &engine.FieldError{Field: "secrets", Reason: "this server has no secret key; start it with RUNBOOK_SECRET_KEY set (runbook up makes <data>/secret.key)"}

// checkSecretChanges validates names and sizes. Reasons never quote a
// value.
func checkSecretChanges(changes map[string]string) error {
	var errs engine.FieldErrors
	if len(changes) > maxSecrets {
		errs.Add("secrets", "at most %d secrets per object, not %d", maxSecrets, len(changes))
	}
	for name, v := range changes {
		if !engine.ValidID(name) {
			errs.Add("secrets", "name %q must be 1-64 letters, digits, '.', '_' or '-'", truncate(name, 64))
			continue
		}
		if len(v) > maxSecretLength {
			errs.Add("secrets."+name, "must be at most %d bytes", maxSecretLength)
		}
	}
	return errs.Err()
}

// mergeSecrets applies changes to the sealed secrets of an object and
// returns the new sealed value and the names that changed (sorted). nil or
// empty changes keep sealed as it is, without needing the key.
func (s *Server) mergeSecrets(sealed string, changes map[string]string) (string, []string, error) {
	if len(changes) == 0 {
		return sealed, nil, nil
	}
	if err := checkSecretChanges(changes); err != nil {
		return "", nil, err
	}
	box := s.cfg.Secrets
	if box == nil {
		return "", nil, errNoBox
	}
	cur, err := box.Open(sealed)
	if err != nil {
		// Never overwrite secrets we cannot read: the key may be wrong.
		return "", nil, fmt.Errorf("opening the stored secrets: %w", err)
	}
	if cur == nil {
		cur = map[string]string{}
	}
	var changed []string
	for name, v := range changes {
		old, had := cur[name]
		switch {
		case v == "" && had:
			delete(cur, name)
		case v == "" || (had && old == v):
			continue
		default:
			cur[name] = v
		}
		changed = append(changed, name)
	}
	sort.Strings(changed)
	if len(cur) > maxSecrets {
		return "", nil, &engine.FieldError{Field: "secrets", Reason: fmt.Sprintf("at most %d secrets per object", maxSecrets)}
	}
	out, err := box.Seal(cur)
	if err != nil {
		return "", nil, err
	}
	return out, changed, nil
}

// names caches the names of sealed values: listing 10,000 monitors must
// not decrypt 10,000 blobs each time. Keys are the sealed text itself, so
// a changed secret is a new key; the map is dropped when it grows large.
type secretNameCache struct {
	mu sync.Mutex
	m  map[string][]string
}

const secretNameCacheLimit = 100_000

func (s *Server) secretNames(sealed string) []string {
	if sealed == "" {
		return []string{}
	}
	c := &s.names
	c.mu.Lock()
	names, ok := c.m[sealed]
	c.mu.Unlock()
	if ok {
		return names
	}
	if s.cfg.Secrets == nil {
		return []string{}
	}
	names, err := s.cfg.Secrets.Names(sealed)
	if err != nil {
		// The object has secrets this process cannot open (another key):
		// say so without failing the whole list.
		s.log.Warn("secret names unreadable", "err", err)
		return []string{}
	}
	sort.Strings(names)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= secretNameCacheLimit {
		c.m = map[string][]string{}
	}
	c.m[sealed] = names
	c.mu.Unlock()
	return names
}

// monitorView is a monitor as the API shows it: config masked, sealed
// secrets left out, their names listed.
type monitorView struct {
	engine.Monitor
	SecretNames []string `json:"secret_names"`
}

func (s *Server) viewMonitor(m engine.Monitor, config json.RawMessage) monitorView {
	names := s.secretNames(m.SealedSecrets)
	m.SealedSecrets, m.Config = "", config
	return monitorView{Monitor: m, SecretNames: names}
}

type reactionView struct {
	engine.Reaction
	SecretNames []string `json:"secret_names"`
}

func (s *Server) viewReaction(r engine.Reaction) reactionView {
	names := s.secretNames(r.SealedSecrets)
	return reactionView{Reaction: s.maskReaction(r), SecretNames: names}
}

// secretsInput are the secret fields a monitor or reaction body may carry:
// secrets to write, and the server-kept fields an export echoes back.
type secretsInput struct {
	Secrets map[string]string `json:"secrets,omitempty"`
	// SecretNames is read-only (export → apply); ignored.
	SecretNames []string `json:"secret_names,omitempty"`
}

// checkSealedInput refuses a sealed_secrets field: the inputs declare it
// at depth 0 to shadow the engine field, so a client cannot plant a sealed
// value (one copied from elsewhere) on its object.
func checkSealedInput(sealed *string) error {
	if sealed != nil && *sealed != "" {
		return &engine.FieldError{Field: "sealed_secrets", Reason: "is kept by the server; send values in secrets"}
	}
	return nil
}

// readSecretsForm reads the secret inputs of a generated form: for each
// "*_secret" field, "secret.<field>" holds a new value for the secret the
// field names (blank keeps it) and "secret_clear.<field>" removes it.
func readSecretsForm(c *fiber.Ctx, schema, config json.RawMessage) map[string]string {
	var vals map[string]any
	_ = json.Unmarshal(config, &vals)
	out := map[string]string{}
	for _, f := range parseSchema(schema) {
		if !f.SecretRef {
			continue
		}
		name := secretRefName(f, vals)
		if name == "" {
			continue
		}
		if v := c.FormValue("secret." + f.Name); strings.TrimSpace(v) != "" {
			out[name] = strings.TrimRight(v, "\r\n")
		} else if c.FormValue("secret_clear."+f.Name) == "on" {
			out[name] = ""
		}
	}
	return out
}

// secretRefName is the secret a "*_secret" field names: its value, else
// its schema default (REACTIONS.md lists the conventional defaults).
func secretRefName(f schemaField, vals map[string]any) string {
	if v, ok := vals[f.Name].(string); ok && v != "" {
		return v
	}
	if d, ok := f.Default.(string); ok {
		return d
	}
	return ""
}

// markSecretInputs tells each secret-naming input which secret it names
// and whether that secret is set, for the form.
func markSecretInputs(ins []formInput, config json.RawMessage, set []string) []formInput {
	var vals map[string]any
	_ = json.Unmarshal(config, &vals)
	for i := range ins {
		if !ins[i].SecretRef {
			continue
		}
		ins[i].SecretName = secretRefName(ins[i].schemaField, vals)
		ins[i].SecretSet = contains(set, ins[i].SecretName)
	}
	return ins
}
