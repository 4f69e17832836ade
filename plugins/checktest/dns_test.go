package checktest

import (
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
)

func TestDNS(t *testing.T) {
	p := load(t, "dns")
	resolver := captest.DNS(t,
		"www.test. 60 IN A 192.0.2.1",
		"www.test. 60 IN A 192.0.2.2",
		"test. 300 IN MX 10 mail.test.",
		"test. 300 IN TXT \"v=spf1 -all\"",
		"alias.test. 60 IN CNAME www.test.",
	)
	other := captest.DNS(t, "www.test. 60 IN A 192.0.2.9")
	tests := []struct {
		name   string
		cfg    obj
		status string
		frag   string
	}{
		{"A resolves", obj{"name": "www.test", "resolver": resolver}, abi.StatusHealthy, "192.0.2.1, 192.0.2.2"},
		{"A expected subset", obj{"name": "www.test", "resolver": resolver, "expected": []string{"192.0.2.2"}}, abi.StatusHealthy, ""},
		{"A expected missing", obj{"name": "www.test", "resolver": resolver, "expected": []string{"192.0.2.3"}}, abi.StatusFailed, "192.0.2.3 missing"},
		{"MX without root dot", obj{"name": "test", "type": "MX", "resolver": resolver, "expected": []string{"10 MAIL.test"}}, abi.StatusHealthy, ""},
		{"TXT over TCP", obj{"name": "test", "type": "TXT", "resolver": resolver, "tcp": true, "expected": []string{"v=spf1 -all"}}, abi.StatusHealthy, ""},
		{"CNAME", obj{"name": "alias.test", "type": "CNAME", "resolver": resolver, "expected": []string{"www.test."}}, abi.StatusHealthy, ""},
		{"no record of type", obj{"name": "www.test", "type": "AAAA", "resolver": resolver}, abi.StatusFailed, "no records"},
		{"NXDOMAIN", obj{"name": "nope.test", "resolver": resolver}, abi.StatusFailed, "NXDOMAIN"},
		{"resolver honoured exactly", obj{"name": "www.test", "resolver": other, "expected": []string{"192.0.2.9"}}, abi.StatusHealthy, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { p.Expect(t, tt.cfg, nil, tt.status, tt.frag) })
	}
	t.Run("validate", func(t *testing.T) {
		p.Invalid(t, obj{"name": "www.test", "type": "BOGUS"}, "type")
		p.Invalid(t, obj{"name": ""}, "name")
		p.Valid(t, obj{"name": "www.test", "type": "MX", "resolver": resolver})
	})
}
