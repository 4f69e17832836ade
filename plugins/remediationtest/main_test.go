package remediationtest

import (
	"testing"

	"github.com/runbookhq/runbook/host/hosttest"
)

func TestMain(m *testing.M) { hosttest.Main(m) }
