package host

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/runbookhq/runbook/host/abi"
)

// Capability is one named host function plugins reach through host_call.
type Capability struct {
	Name string
	// Ambient capabilities (log, now) are available to every plugin: they
	// reach nothing outside the host. Others need the manifest to ask and
	// plugins.lock to grant.
	Ambient bool
	// Handle runs one request. ctx carries the call's deadline. Return a
	// *abi.HostError to choose the error code; other errors are "failed".
	Handle func(ctx context.Context, env Env, req json.RawMessage) (any, error)
}

// EncodedResult is a result a handler encoded itself, exactly as
// json.Marshal would (compact, HTML-escaped): dispatch passes it on as is
// instead of marshalling it by reflection.
type EncodedResult []byte

// RawReply is a successful result in a form the guest asked for itself
// (http's "reply": "binary"): host_call hands it over as is, without
// the JSON envelope. Errors are always an envelope.
type RawReply []byte

var (
	registryMu sync.RWMutex
	registry   = map[string]Capability{}
)

// RegisterCapability adds a capability, usually from an init function.
// Dispatch is a map lookup by name: adding one never edits the host.
func RegisterCapability(c Capability) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[c.Name]; dup || c.Name == "" || c.Handle == nil {
		panic(fmt.Sprintf("host: capability %q registered twice or incomplete", c.Name))
	}
	registry[c.Name] = c
}

func capability(name string) (Capability, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	c, ok := registry[name]
	return c, ok
}

func denied(format string, args ...any) *abi.HostError {
	return &abi.HostError{Code: abi.ErrCodeDenied, Message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *abi.HostError {
	return &abi.HostError{Code: abi.ErrCodeBadRequest, Message: fmt.Sprintf(format, args...)}
}

// dispatch runs one host call and produces its envelope, or the raw
// reply when the handler returned a RawReply.
func dispatch(ctx context.Context, st *callState, name string, req []byte) (abi.Envelope, RawReply) {
	p := st.plugin
	c, ok := capability(name)
	if !ok {
		return abi.Envelope{Error: &abi.HostError{Code: abi.ErrCodeUnknownCapability, Message: fmt.Sprintf("no capability %q", name)}}, nil
	}
	if !c.Ambient && !p.allowed[name] {
		p.log.Warn("capability denied", "capability", name, "reason", "not granted")
		return abi.Envelope{Error: denied("capability %q is not granted to plugin %s (manifest asks %v, plugins.lock grants %v)",
			name, p.entry.Name, p.manifest.Capabilities, p.entry.Capabilities)}, nil
	}
	res, err := c.Handle(ctx, Env{st: st}, req)
	if err != nil {
		he, ok := err.(*abi.HostError)
		if !ok {
			he = &abi.HostError{Code: abi.ErrCodeFailed, Message: err.Error()}
		}
		if he.Code == abi.ErrCodeDenied {
			t, _ := st.resolveTarget()
			p.log.Warn("capability denied", "capability", name, "target", t.host+":"+t.port, "reason", he.Message)
		}
		return abi.Envelope{Error: he}, nil
	}
	switch b := res.(type) {
	case RawReply:
		return abi.Envelope{}, b
	case EncodedResult:
		return abi.Envelope{Result: json.RawMessage(b)}, nil
	}
	b, err := json.Marshal(res)
	if err != nil {
		return abi.Envelope{Error: &abi.HostError{Code: abi.ErrCodeFailed, Message: "encode result: " + err.Error()}}, nil
	}
	return abi.Envelope{Result: b}, nil
}
