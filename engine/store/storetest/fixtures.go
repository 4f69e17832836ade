package storetest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// base is the fixtures' epoch: UTC, whole milliseconds, so every backend
// can store it exactly.
var base = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// at is base plus sec seconds.
func at(sec int) time.Time { return base.Add(time.Duration(sec) * time.Second) }

func monitor(id, owner string, zones ...string) engine.Monitor {
	return engine.Monitor{
		ID: id, Owner: owner, Name: "monitor " + id, Kind: engine.KindScheduled,
		Check: "http-status", Config: json.RawMessage(`{"url": "https://example.com/` + id + `", "expect": [200, 204]}`),
		Interval: engine.Duration(30 * time.Second), Timeout: engine.Duration(5 * time.Second),
		Zones: zones, Reactions: []string{"r-" + id}, Status: engine.StatusPending,
		CreatedAt: at(0), UpdatedAt: at(1),
	}
}

func reaction(id, owner string) engine.Reaction {
	return engine.Reaction{
		ID: id, Owner: owner, Name: "reaction " + id, Plugin: "webhook",
		Config: json.RawMessage(`{"url":"https://hooks.example.com/x"}`), Trigger: 3,
		Frequency: engine.Duration(time.Minute), CallOn: engine.CallOnFailed, Enabled: true,
		Timeout: engine.Duration(10 * time.Second), CreatedAt: at(0), UpdatedAt: at(1),
	}
}

// result is a check result of monitor finished sec seconds after base.
func result(monitor string, sec int) engine.Result {
	return engine.Result{
		ID: engine.ResultID(monitor, "z1", at(sec)), MonitorID: monitor, Zone: "z1",
		Source: engine.SourceCheck, Status: engine.StatusHealthy, Message: "200 OK",
		Metrics: map[string]float64{"status": 200, "ms": 12.5}, Duration: engine.Duration(12 * time.Millisecond),
		ScheduledAt: at(sec).Add(-time.Second), FinishedAt: at(sec), Plugin: "http-status", Digest: "sha256:abc",
	}
}

func event(monitor string, sec int) engine.Event {
	return engine.Event{
		ID: fmt.Sprintf("ev-%s-%d", monitor, sec), MonitorID: monitor, Zone: "z1",
		From: engine.StatusHealthy, To: engine.StatusFailed, Message: "timeout", At: at(sec),
		ResultID: engine.ResultID(monitor, "z1", at(sec)),
	}
}

func reactionLog(monitor string, sec int) engine.ReactionLog {
	return engine.ReactionLog{
		ID: fmt.Sprintf("rl-%s-%d", monitor, sec), ReactionID: "r1", MonitorID: monitor, Zone: "z1",
		ResultID: engine.ResultID(monitor, "z1", at(sec)), Outcome: engine.OutcomeExecuted,
		Message: "sent", Duration: engine.Duration(40 * time.Millisecond), At: at(sec),
	}
}

func user(id, email string) store.User {
	return store.User{ID: id, Email: email, PasswordHash: "$2a$10$hash-of-" + id, Plan: "free", CreatedAt: at(0)}
}

func token(hash, userID string) store.Token {
	return store.Token{Hash: hash, UserID: userID, Name: "ci", CreatedAt: at(2)}
}
