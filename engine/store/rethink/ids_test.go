package rethink

import (
	"sort"
	"sync"
	"testing"
	"time"
)

// TestIDsOrderedAndUnique: ids from racing goroutines are unique, and
// string order is the order they were made in on one goroutine.
func TestIDsOrderedAndUnique(t *testing.T) {
	g := newIDSource()
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prev := ""
			for i := 0; i < 500; i++ {
				id := g.next()
				if id <= prev {
					t.Errorf("id %q after %q", id, prev)
				}
				prev = id
				mu.Lock()
				if seen[id] {
					t.Errorf("id %q made twice", id)
				}
				seen[id] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// TestTimeKeySortsAsTime: the string order of keys is the time order,
// across zones and sub-millisecond differences.
func TestTimeKeySortsAsTime(t *testing.T) {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tokyo := time.FixedZone("JST", 9*3600)
	times := []time.Time{
		{}, base, base.Add(time.Nanosecond), base.Add(999 * time.Microsecond),
		base.Add(time.Millisecond).In(tokyo), base.Add(-time.Hour).In(tokyo), base.AddDate(100, 0, 0),
	}
	keys := make([]string, len(times))
	for i, tm := range times {
		keys[i] = timeKey(tm)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	sort.Strings(keys)
	for i := range times {
		if keys[i] != timeKey(times[i]) {
			t.Errorf("position %d: key %s, want %s", i, keys[i], timeKey(times[i]))
		}
	}
}
