package host

import (
	"context"
	"encoding/json"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

func init() {
	RegisterCapability(Capability{
		Name:    abi.CapNow,
		Ambient: true,
		Handle: func(context.Context, Env, json.RawMessage) (any, error) {
			return abi.NowResponse{UnixNano: time.Now().UnixNano()}, nil
		},
	})
}
