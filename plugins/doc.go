// Package plugins holds Runbook's first-party check and reaction plugins,
// one main package per directory, each built to build/plugins/NAME.wasm by
//
//	GOOS=wasip1 GOARCH=wasm go build -trimpath -buildvcs=false -buildmode=c-shared -o build/plugins/NAME.wasm ./plugins/NAME
//
// (host/plugintool.Build runs exactly that). Plugins compile natively too
// so `go build ./...` and `go vet ./...` cover them; their end-to-end tests
// live in host, against the real sandbox.
package plugins
