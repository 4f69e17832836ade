package host

import (
	"context"
	"encoding/json"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// instantiateHostModule provides the "runbook" import module: host_call
// runs a capability and parks the response; host_result copies it into a
// buffer the guest allocated. Two steps, so the host never calls back into
// the guest (no re-entrancy) and the guest owns all of its memory.
func (h *Host) instantiateHostModule(ctx context.Context, r wazero.Runtime) error {
	i32, i64 := api.ValueTypeI32, api.ValueTypeI64
	_, err := r.NewHostModuleBuilder(abi.ImportModule).
		NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(hostCall), []api.ValueType{i32, i32, i32, i32}, []api.ValueType{i64}).
		WithParameterNames("name_ptr", "name_len", "req_ptr", "req_len").
		Export(abi.ImportHostCall).
		NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(hostResult), []api.ValueType{i32}, []api.ValueType{i32}).
		WithParameterNames("ptr").
		Export(abi.ImportHostResult).
		Instantiate(ctx)
	return err
}

func hostCall(ctx context.Context, mod api.Module, stack []uint64) {
	nameLen, reqLen := uint32(stack[1]), uint32(stack[3])
	if nameLen == 0 { // the deadline tick of instrumented code (instrument.go)
		tick(ctx, mod)
		stack[0] = 0
		return
	}
	st := callStateFrom(ctx)
	if reqLen > maxRequestBytes || nameLen > 64 {
		stack[0] = api.EncodeI64(abi.HostCallErrTooLarge)
		return
	}
	name, ok1 := mod.Memory().Read(uint32(stack[0]), nameLen)
	req, ok2 := mod.Memory().Read(uint32(stack[2]), reqLen)
	if !ok1 || !ok2 || st == nil {
		stack[0] = api.EncodeI64(abi.HostCallErrMemory)
		return
	}
	env, b := dispatch(ctx, st, string(name), json.RawMessage(req))
	if b == nil {
		var err error
		if b, err = encodeEnvelope(env); err != nil { // cannot happen for these types; keep the guest informed anyway
			b = []byte(`{"error":{"code":"failed","message":"encode envelope"}}`)
		}
	}
	st.pending, st.hasPending = b, true
	stack[0] = api.EncodeI64(int64(len(b)))
}

func hostResult(ctx context.Context, mod api.Module, stack []uint64) {
	st := callStateFrom(ctx)
	if st == nil || !st.hasPending {
		stack[0] = api.EncodeI32(abi.HostCallErrNoPending)
		return
	}
	if !mod.Memory().Write(uint32(stack[0]), st.pending) {
		stack[0] = api.EncodeI32(abi.HostCallErrMemory)
		return
	}
	stack[0] = api.EncodeI32(int32(len(st.pending)))
	st.pending, st.hasPending = nil, false
}

// encodeEnvelope is json.Marshal(env). A result, the common case, is
// already compact JSON from json.Marshal or an EncodedResult, which
// json.Marshal would only re-scan and copy: it is wrapped as is.
func encodeEnvelope(env abi.Envelope) ([]byte, error) {
	if env.Error != nil || len(env.Result) == 0 {
		return json.Marshal(env)
	}
	b := make([]byte, 0, len(`{"result":}`)+len(env.Result))
	b = append(b, `{"result":`...)
	b = append(b, env.Result...)
	return append(b, '}'), nil
}
