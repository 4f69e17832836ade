package plugintool_test

import (
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
)

func hostConfig() host.Config { return host.Config{Cache: hosttest.Cache()} }
