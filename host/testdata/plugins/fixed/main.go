// Command fixed is a trivial check plugin for engine tests and benchmarks:
// it reports the status its config names, doing no I/O, so what is
// measured around it is the pipeline, not the check.
//
//	{"status": "healthy" | "failed" | "unknown", "message": "..."}
//
// An empty status is healthy.
package main

import (
	"encoding/json"

	"github.com/runbookhq/runbook/sdk"
)

type Config struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func check(_ sdk.Context, cfg Config) sdk.Output {
	switch cfg.Status {
	case "", "healthy":
		return sdk.Healthy("%s", cfg.Message)
	case "failed":
		return sdk.Failed("%s", cfg.Message)
	}
	return sdk.Unknown("%s", cfg.Message)
}

func init() {
	sdk.Check(sdk.Manifest{
		Name:    "fixed",
		Version: "0.0.1",
		Config:  json.RawMessage(`{"type":"object","properties":{"status":{"enum":["","healthy","failed","unknown"]},"message":{"type":"string"}}}`),
	}, check)
}

func main() {}
