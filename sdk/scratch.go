package sdk

// scratch is the request and response buffer of one host call, reused by
// the next so that a check's steady state allocates neither.
//
// RATIONALE: in a Go wasm guest every allocation is several times dearer
// than natively, and heap growth brings the guest's GC (which scans
// linear memory in wasm) sooner. A check makes the same request every
// time; its buffers fit the next one. One spare is kept: a call made
// while another holds it (goroutines in a plugin) simply gets fresh ones.
type scratch struct{ req, resp []byte }

// maxScratch bounds what a spare keeps, so one huge response does not pin
// its buffer for the instance's life.
const maxScratch = 64 << 10

var (
	scratchMu    guard
	spareScratch *scratch
)

func getScratch() *scratch {
	scratchMu.Lock()
	s := spareScratch
	spareScratch = nil
	scratchMu.Unlock()
	if s != nil {
		return s
	}
	return &scratch{}
}

// keep records raw (which hostCall may have grown) as the response buffer.
func (s *scratch) keep(raw []byte) { s.resp = raw }

// putScratch makes s the spare. Nothing decoded from its buffers may
// alias them: every decoder copies what it keeps.
func putScratch(s *scratch) {
	if cap(s.req) > maxScratch {
		s.req = nil
	}
	if cap(s.resp) > maxScratch {
		s.resp = nil
	}
	scratchMu.Lock()
	spareScratch = s
	scratchMu.Unlock()
}
