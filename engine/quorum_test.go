package engine

import (
	"testing"
	"time"
)

func TestQuorumStatus(t *testing.T) {
	zones := []string{"eu", "us", "ap"}
	cases := []struct {
		name string
		by   map[string]Status
		k    int
		want Status
	}{
		{"none reported", map[string]Status{}, 1, StatusPending},
		{"one failed, quorum 1", map[string]Status{"eu": StatusFailed, "us": StatusHealthy}, 1, StatusFailed},
		{"one failed, quorum 2", map[string]Status{"eu": StatusFailed, "us": StatusHealthy}, 2, StatusHealthy},
		{"two failed, quorum 2", map[string]Status{"eu": StatusFailed, "us": StatusFailed, "ap": StatusHealthy}, 2, StatusFailed},
		{"one failed alone, quorum 2", map[string]Status{"eu": StatusFailed}, 2, StatusUnknown},
		{"unknown only", map[string]Status{"eu": StatusUnknown}, 1, StatusUnknown},
		{"zone left the monitor does not vote", map[string]Status{"mars": StatusFailed, "eu": StatusHealthy}, 1, StatusHealthy},
		{"quorum 0 means 1", map[string]Status{"ap": StatusFailed}, 0, StatusFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := QuorumStatus(c.by, zones, c.k); got != c.want {
				t.Fatalf("QuorumStatus = %s, want %s", got, c.want)
			}
		})
	}
}

func TestLatestZoneStatusesTakesNewestPerZone(t *testing.T) {
	evs := []Event{ // newest first, as the store returns them
		{Zone: "eu", To: StatusHealthy}, {Zone: "us", To: StatusFailed}, {Zone: "eu", To: StatusFailed},
	}
	got := LatestZoneStatuses(evs)
	if got["eu"] != StatusHealthy || got["us"] != StatusFailed || len(got) != 2 {
		t.Fatalf("got %v", got)
	}
}

func TestApplyAtMovesSinceOnlyOnChange(t *testing.T) {
	t0, t1 := time.Unix(100, 0), time.Unix(200, 0)
	c, _ := Counters{Status: StatusHealthy}.ApplyAt(StatusFailed, t0)
	c, _ = c.ApplyAt(StatusFailed, t1)
	if !c.Since.Equal(t0) || c.FailCount != 2 {
		t.Fatalf("since %v failcount %d, want %v 2", c.Since, c.FailCount, t0)
	}
}

func TestEnsureIDIsStableAndDistinct(t *testing.T) {
	at := time.Unix(1_700_000_000, 5)
	a := Result{MonitorID: "m", Zone: "z", Source: SourceManual, FinishedAt: at}
	b := a
	a.EnsureID()
	b.EnsureID()
	c := Result{MonitorID: "m", Zone: "z", Source: SourceWebhook, FinishedAt: at}
	c.EnsureID()
	if a.ID == "" || a.ID != b.ID || a.ID == c.ID {
		t.Fatalf("ids %q %q %q", a.ID, b.ID, c.ID)
	}
	keep := Result{ID: "given"}
	keep.EnsureID()
	if keep.ID != "given" {
		t.Fatalf("EnsureID replaced a given id: %q", keep.ID)
	}
}
