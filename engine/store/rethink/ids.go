package rethink

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// idSource makes queue entry ids: 16 hex digits of Unix nanoseconds, then
// 8 random hex digits. String order is time order, so the zone_id index
// keeps a queue in arrival order; the random tail keeps writers on other
// hosts that hit the same nanosecond from colliding. Within one process the
// time part never repeats or goes back, even if the clock does.
type idSource struct {
	mu   sync.Mutex
	last int64
}

func newIDSource() *idSource { return &idSource{} }

func (g *idSource) next() string {
	g.mu.Lock()
	n := time.Now().UnixNano()
	if n <= g.last {
		n = g.last + 1
	}
	g.last = n
	g.mu.Unlock()
	var tail [4]byte
	_, _ = rand.Read(tail[:])
	return fmt.Sprintf("%016x-%s", uint64(n), hex.EncodeToString(tail[:]))
}
