package loopback

import (
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// A port handed out is below the kernel's ephemeral range, can be bound,
// and is never handed out twice in one process.
func TestPortsAreDistinctAndBindable(t *testing.T) {
	seen := map[int]bool{}
	for range 300 {
		p, err := Port()
		if err != nil {
			t.Fatal(err)
		}
		if seen[p] {
			t.Fatalf("port %d handed out twice", p)
		}
		seen[p] = true
		if p < poolFloor || p >= ephemeralFloor() {
			t.Fatalf("port %d outside the pool %d-%d", p, poolFloor, ephemeralFloor()-1)
		}
	}
	for p := range seen {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Fatalf("reserved port %d cannot be bound: %v", p, err)
		}
		l.Close()
		break
	}
}

// Another process asking for ports never gets one this process holds.
func TestOtherProcessesSkipReservedPorts(t *testing.T) {
	if os.Getenv("LOOPBACK_CHILD") != "" {
		var out []string
		for range 300 {
			p, err := Port()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, strconv.Itoa(p))
		}
		os.Stdout.WriteString("PORTS " + strings.Join(out, " ") + "\n")
		return
	}
	mine := map[string]bool{}
	for range 300 {
		p, err := Port()
		if err != nil {
			t.Fatal(err)
		}
		mine[strconv.Itoa(p)] = true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOtherProcessesSkipReservedPorts$")
	cmd.Env = append(os.Environ(), "LOOPBACK_CHILD=1")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, b)
	}
	var theirs []string
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "PORTS "); ok {
			theirs = strings.Fields(rest)
		}
	}
	if len(theirs) != 300 {
		t.Fatalf("child printed %d ports, want 300:\n%s", len(theirs), b)
	}
	for _, p := range theirs {
		if mine[p] {
			t.Fatalf("port %s was given to both processes", p)
		}
	}
}
