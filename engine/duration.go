package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a time.Duration that reads and writes JSON/YAML as "30s" and
// also accepts a plain number of seconds, which is what people type.
type Duration time.Duration

func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) String() string { return time.Duration(d).String() }

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	// Fast path for what the engine itself writes ("250µs"), decoded once
	// per job and per result: a plain quoted string needs no decoder.
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b[1:n-1], '\\') < 0 && bytes.IndexByte(b[1:n-1], '"') < 0 {
		p, err := time.ParseDuration(string(b[1 : n-1]))
		if err != nil {
			return fmt.Errorf("duration %q: %w", b[1:n-1], err)
		}
		*d = Duration(p)
		return nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case float64:
		*d = Duration(time.Duration(x * float64(time.Second)))
	case string:
		p, err := time.ParseDuration(x)
		if err != nil {
			return fmt.Errorf("duration %q: %w", x, err)
		}
		*d = Duration(p)
	case nil:
		*d = 0
	default:
		return fmt.Errorf("duration: want a string like \"30s\" or seconds, got %s", b)
	}
	return nil
}

func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

func (d *Duration) UnmarshalYAML(unmarshal func(any) error) error {
	var v any
	if err := unmarshal(&v); err != nil {
		return err
	}
	b, _ := json.Marshal(v)
	return d.UnmarshalJSON(b)
}
