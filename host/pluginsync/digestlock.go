package pluginsync

import "sync"

// digestLocks serialises installs of one digest across the syncers of a
// process (one per zone, each with its own host): compiling twice at once
// would miss the shared compilation cache twice. Entries stay: one small
// mutex per digest ever announced.
var digestLocks sync.Map // digest → *sync.Mutex

func lockDigest(digest string) (unlock func()) {
	m, _ := digestLocks.LoadOrStore(digest, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}
