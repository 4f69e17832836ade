package host

import (
	"context"
	"sync"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// tick answers host_call with name_len 0, which instrumented code makes
// every tickInterval loop iterations or calls (see instrument). Past the
// call's deadline, or once the call is canceled, it closes the module and
// traps the call with the matching exit code, which explain turns into
// "deadline exceeded" or "canceled". Otherwise it returns at once and
// leaves any pending host_call response alone: a tick may land between a
// guest's host_call and its host_result.
//
// RATIONALE: it compares the clock with ctx.Deadline() instead of only
// asking ctx.Err(). With every P busy in guest code (which Go cannot
// preempt) the runtime timer that marks the context done may not get to
// run; reading the clock does not depend on it.
func tick(ctx context.Context, mod api.Module) {
	code := uint32(0)
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		code = sys.ExitCodeDeadlineExceeded
	} else if err := ctx.Err(); err != nil {
		code = sys.ExitCodeContextCanceled
		if err == context.DeadlineExceeded {
			code = sys.ExitCodeDeadlineExceeded
		}
	}
	if code == 0 {
		return
	}
	_ = mod.CloseWithExitCode(ctx, code)
	// wazero returns a host function's *sys.ExitError panic unwrapped
	// from the guest call (as WASI proc_exit does).
	panic(sys.NewExitError(code))
}

// deadlinePassed reports whether ctx's deadline is behind us even if its
// timer has not fired yet (see tick).
func deadlinePassed(ctx context.Context) bool {
	if ctx.Err() == context.DeadlineExceeded {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// sleeper is an instance's WASI sleep (poll_oneoff with a clock, which
// Go's time.Sleep becomes): a real sleep that ends early when the current
// call is done. wazero's sys.Nanosleep gets no context, so the instance
// publishes its current call's context here. An early return is
// harmless: the guest sees a short sleep, and its next tick (or, on the
// fallback path, WithCloseOnContextDone) stops it.
type sleeper struct {
	mu  sync.Mutex
	ctx context.Context // the current call's; nil between calls
}

// during makes sleeps end when ctx is done, until end runs. It keeps ctx
// itself, not ctx.Done(): asking for Done makes a cancelable context
// allocate its channel, which a call that never sleeps does not need (it
// used to cost a closure, a heap copy of the channel and the channel on
// every call).
func (s *sleeper) during(ctx context.Context) {
	s.mu.Lock()
	s.ctx = ctx
	s.mu.Unlock()
}

func (s *sleeper) end() {
	s.mu.Lock()
	s.ctx = nil
	s.mu.Unlock()
}

func (s *sleeper) sleep(ns int64) {
	if ns <= 0 {
		return
	}
	var done <-chan struct{}
	s.mu.Lock()
	if s.ctx != nil {
		done = s.ctx.Done()
	}
	s.mu.Unlock()
	t := time.NewTimer(time.Duration(ns))
	defer t.Stop()
	select {
	case <-t.C:
	case <-done:
	}
}
