package web

import (
	"encoding/json"
	"fmt"

	"github.com/runbookhq/runbook/engine"
)

// Papertrail posts a form with field "payload": the saved search and the
// log events that matched it ({"events": [...], "saved_search": {...}}),
// or, for count-only alerts, {"counts": [...]}. Papertrail does not sign.
// An alert means the search matched, which is a failure unless the URL
// says otherwise (?status=healthy, for a search of recovery messages).
type papertrailPayload struct {
	Events []struct {
		ID         json.Number `json:"id"`
		SourceName string      `json:"source_name"`
		Program    string      `json:"program"`
		Message    string      `json:"message"`
	} `json:"events"`
	Counts []struct {
		SourceName string           `json:"source_name"`
		Timeseries map[string]int64 `json:"timeseries"`
	} `json:"counts"`
	SavedSearch *struct {
		ID    json.Number `json:"id"`
		Name  string      `json:"name"`
		Query string      `json:"query"`
	} `json:"saved_search"`
}

func parsePapertrailRequest(r hookRequest) (verdict, error) {
	v, err := parsePapertrail(r.Body, r.ContentType)
	if err != nil || v.Ignore {
		return v, err
	}
	switch q := r.Query("status"); q {
	case "", "failed":
	case "healthy":
		v.Status = engine.StatusHealthy
	default:
		return verdict{}, badPayload("status", "query parameter must be healthy or failed, not %q", q)
	}
	return v, nil
}

func parsePapertrail(body []byte, contentType string) (verdict, error) {
	if len(body) > maxHookBody {
		return verdict{}, badPayload("body", "payload larger than %d bytes", maxHookBody)
	}
	raw, _ := formField(body, contentType, "payload")
	if len(raw) == 0 {
		return verdict{}, badPayload("payload", "missing: Papertrail sends the alert in a form field named payload")
	}
	var p papertrailPayload
	if err := json.Unmarshal(raw, &p); err != nil {
		return verdict{}, badPayload("payload", "is not JSON: %v", err)
	}
	if p.SavedSearch == nil {
		return verdict{}, badPayload("payload.saved_search", "missing: not a Papertrail alert")
	}
	n := int64(len(p.Events))
	for _, c := range p.Counts {
		for _, v := range c.Timeseries {
			n += v
		}
	}
	msg := fmt.Sprintf("search %q matched %d events", p.SavedSearch.Name, n)
	if len(p.Events) > 0 {
		e := p.Events[len(p.Events)-1]
		msg += fmt.Sprintf("; last from %s %s: %s", e.SourceName, e.Program, e.Message)
	}
	return verdict{Status: engine.StatusFailed, Message: truncate(msg, 500)}, nil
}
