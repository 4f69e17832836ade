package host

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// moduleExports says which optional exports a module has.
type moduleExports struct {
	validate   bool // runbook_validate
	callBinary bool // runbook_call_bin
}

// checkExports reads the ABI marker and the required exports from the
// compiled module, before any of its code runs. It reports which
// optional exports are there.
func checkExports(cm wazero.CompiledModule) (has moduleExports, err error) {
	exports := cm.ExportedFunctions()
	var versions []int
	for name := range exports {
		if v, ok := strings.CutPrefix(name, abi.ExportMarkerPrefix); ok {
			if n, err := strconv.Atoi(v); err == nil {
				versions = append(versions, n)
			}
		}
	}
	if len(versions) == 0 {
		return has, fmt.Errorf("not a Runbook plugin: no %sN export (host speaks ABI v%d)", abi.ExportMarkerPrefix, abi.Version)
	}
	if !slices.Contains(versions, abi.Version) {
		slices.Sort(versions)
		return has, fmt.Errorf("plugin speaks ABI v%d, host speaks ABI v%d", versions[len(versions)-1], abi.Version)
	}
	i32, i64 := api.ValueTypeI32, api.ValueTypeI64
	want := []struct {
		name            string
		params, results []api.ValueType
		optional        bool
	}{
		{abi.ExportInitialize, nil, nil, true},
		{abi.ExportManifest, nil, []api.ValueType{i64}, false},
		{abi.ExportAlloc, []api.ValueType{i32}, []api.ValueType{i32}, false},
		{abi.ExportCall, []api.ValueType{i32, i32}, []api.ValueType{i64}, false},
		{abi.ExportValidate, []api.ValueType{i32, i32}, []api.ValueType{i64}, true},
		{abi.ExportCallBinary, []api.ValueType{i32, i32}, []api.ValueType{i64}, true},
		{abi.ExportInputBuffer, nil, []api.ValueType{i64}, true},
	}
	for _, w := range want {
		def, ok := exports[w.name]
		if !ok {
			if w.optional {
				continue
			}
			return has, fmt.Errorf("ABI v%d: missing export %s", abi.Version, w.name)
		}
		if !slices.Equal(def.ParamTypes(), w.params) || !slices.Equal(def.ResultTypes(), w.results) {
			return has, fmt.Errorf("ABI v%d: export %s has type %v -> %v, want %v -> %v",
				abi.Version, w.name, def.ParamTypes(), def.ResultTypes(), w.params, w.results)
		}
		switch w.name {
		case abi.ExportValidate:
			has.validate = true
		case abi.ExportCallBinary:
			has.callBinary = true
		}
	}
	return has, nil
}
