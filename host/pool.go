package host

import (
	"context"
	"sync/atomic"
	"time"
)

// pool holds at most size live instances of one plugin version. Idle ones
// wait in idle; slots holds one token per live instance, so creating an
// instance beyond size blocks until one is discarded or returned.
type pool struct {
	create  func(context.Context) (*instance, error)
	destroy func(*instance)
	idle    chan *instance
	slots   chan struct{}
	live    atomic.Int64
}

func newPool(size int, create func(context.Context) (*instance, error), destroy func(*instance)) *pool {
	return &pool{create: create, destroy: destroy, idle: make(chan *instance, size), slots: make(chan struct{}, size)}
}

// get returns an idle instance, creates one if below size, or waits.
func (p *pool) get(ctx context.Context) (*instance, error) {
	select {
	case inst := <-p.idle:
		return inst, nil
	default:
	}
	select {
	case inst := <-p.idle:
		return inst, nil
	case p.slots <- struct{}{}:
		return p.createFor(ctx)
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// instantiateTimeout bounds making one instance (running the module's
// _initialize), independently of the call that asked for it.
const instantiateTimeout = time.Minute

// createFor makes an instance on its own deadline, not the caller's: a
// caller that gives up (a short check timeout, a slow machine) must not
// also kill an instance that is nearly ready, or every call on a loaded
// host would pay for an instantiation it then throws away. The finished
// instance goes to the caller if it is still waiting, else to the pool.
func (p *pool) createFor(ctx context.Context) (*instance, error) {
	type made struct {
		inst *instance
		err  error
	}
	ch := make(chan made, 1)
	go func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), instantiateTimeout)
		defer cancel()
		inst, err := p.create(cctx)
		ch <- made{inst, err}
	}()
	select {
	case m := <-ch:
		if m.err != nil {
			<-p.slots
			return nil, m.err
		}
		p.live.Add(1)
		return m.inst, nil
	case <-ctx.Done():
		go func() {
			m := <-ch
			if m.err != nil {
				<-p.slots
				return
			}
			p.live.Add(1)
			p.put(m.inst)
		}()
		return nil, context.Cause(ctx)
	}
}

// put returns a healthy instance for reuse.
func (p *pool) put(inst *instance) { p.idle <- inst } // never blocks: idle ≤ live ≤ size

// discard closes an instance that trapped, timed out or broke a limit.
func (p *pool) discard(inst *instance) {
	p.destroy(inst)
	p.live.Add(-1)
	<-p.slots
}

// add places an already created instance (the one used to read the
// manifest at load) into the pool, if there is room.
func (p *pool) add(inst *instance) bool {
	select {
	case p.slots <- struct{}{}:
		p.live.Add(1)
		p.idle <- inst
		return true
	default:
		return false
	}
}

// stats reports live and idle instance counts.
func (p *pool) stats() (live, idle int) { return int(p.live.Load()), len(p.idle) }
