package host

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/runbookhq/runbook/host/abi"
)

func init() {
	RegisterCapability(Capability{Name: abi.CapLog, Ambient: true, Handle: handleLog})
}

// handleLog writes a plugin's structured log line, tagged with plugin and
// digest, within the same per-call budget as stdout/stderr.
func handleLog(ctx context.Context, env Env, req json.RawMessage) (any, error) {
	var r abi.LogRequest
	if err := json.Unmarshal(req, &r); err != nil {
		return nil, badRequest("log: %v", err)
	}
	st := env.st
	if st.logBudget <= 0 {
		return nil, nil // dropped quietly: logging must never fail a check
	}
	if len(r.Message) > maxLogLine {
		r.Message = r.Message[:maxLogLine]
	}
	st.logBudget -= len(r.Message) + len(req)/2
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(r.Level)) // unknown levels log at info
	attrs := make([]slog.Attr, 0, len(r.Fields)+1)
	attrs = append(attrs, slog.String("stream", "log"))
	for k, v := range r.Fields {
		attrs = append(attrs, slog.Any(k, v))
	}
	env.Logger().LogAttrs(ctx, level, r.Message, attrs...)
	return nil, nil
}
