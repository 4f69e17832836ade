package main

import (
	"testing"

	"github.com/runbookhq/runbook/sdk"
)

func TestCovers(t *testing.T) {
	san := sdk.Certificate{CommonName: "legacy.example", DNSNames: []string{"a.example", "*.b.example"}, IPAddresses: []string{"192.0.2.1"}}
	cnOnly := sdk.Certificate{CommonName: "legacy.example"}
	tests := []struct {
		c    sdk.Certificate
		name string
		want bool
	}{
		{san, "a.example", true},
		{san, "A.EXAMPLE.", true},
		{san, "x.b.example", true},
		{san, "b.example", false},
		{san, "y.x.b.example", false},
		{san, "legacy.example", false}, // CN ignored when SANs exist
		{san, "192.0.2.1", true},
		{san, "192.0.2.2", false},
		{cnOnly, "legacy.example", true},
		{cnOnly, "other.example", false},
	}
	for _, tt := range tests {
		if got := covers(tt.c, tt.name); got != tt.want {
			t.Errorf("covers(%v, %s) = %v; want %v", tt.c, tt.name, got, tt.want)
		}
	}
}
