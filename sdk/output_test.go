package sdk

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
)

// Metric keeps value semantics whether the numbers live inline or in a
// map: a result built from a shared value never changes that value.
func TestMetricNeverMutatesASharedOutput(t *testing.T) {
	base := Healthy("ok").Metric("a", 1)
	x := base.Metric("b", 2).Metric("a", 10)
	y := base.Metric("c", 3)
	if got := base.ABI().Metrics; !reflect.DeepEqual(got, map[string]float64{"a": 1}) {
		t.Errorf("base changed: %v", got)
	}
	if got := x.ABI().Metrics; !reflect.DeepEqual(got, map[string]float64{"a": 10, "b": 2}) {
		t.Errorf("x = %v", got)
	}
	if got := y.ABI().Metrics; !reflect.DeepEqual(got, map[string]float64{"a": 1, "c": 3}) {
		t.Errorf("y = %v", got)
	}
	// Past the inline capacity, and with a map set by hand that is
	// shared: the map is copied, never written.
	shared := map[string]float64{"m": 7}
	o := Output{Status: abi.StatusHealthy, Metrics: shared}
	for i, n := range []string{"a", "b", "c", "d", "e", "m"} {
		o = o.Metric(n, float64(i))
	}
	if !reflect.DeepEqual(shared, map[string]float64{"m": 7}) {
		t.Errorf("shared map written: %v", shared)
	}
	want := map[string]float64{"a": 0, "b": 1, "c": 2, "d": 3, "e": 4, "m": 5}
	if got := o.ABI().Metrics; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v; want %v", got, want)
	}
	if o.MetricCount() != len(want) {
		t.Errorf("MetricCount %d; want %d", o.MetricCount(), len(want))
	}
	for k, v := range want {
		if got, ok := o.MetricValue(k); !ok || got != v {
			t.Errorf("MetricValue(%q) = %v, %v; want %v", k, got, ok, v)
		}
	}
	if _, ok := o.MetricValue("nope"); ok {
		t.Error("MetricValue of an absent name says present")
	}
}

// A name set both by Metric and in Metrics by hand is sent once, with
// Metric's value, in both encodings.
func TestMetricWinsOverMapEntryOfTheSameName(t *testing.T) {
	o := Healthy("ok").Metric("x", 1)
	o.Metrics = map[string]float64{"x": 2, "y": 3}
	want := abi.Output{Status: abi.StatusHealthy, Message: "ok", Metrics: map[string]float64{"x": 1, "y": 3}}
	if got := o.ABI(); !reflect.DeepEqual(got, want) {
		t.Errorf("ABI() = %v; want %v", got, want)
	}
	j, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := json.Marshal(want); string(j) != string(w) {
		t.Errorf("JSON %s; want %s", j, w)
	}
	b, err := appendOutputBinary(nil, o)
	if err != nil {
		t.Fatal(err)
	}
	var got abi.Output
	if err := abi.DecodeOutputBinary(b, &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("binary decodes to %v, %v; want %v", got, err, want)
	}
}

// The binary output the SDK writes without a map is what abi writes
// from the same result's map, to the host's decoder.
func TestAppendOutputBinaryMatchesABI(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	names := []string{"status", "total_ms", "first_byte_ms", "a", "b", "ünï", ""}
	for i := range 2000 {
		o := Output{Status: randString(r), Message: randString(r)}
		if r.IntN(3) == 0 {
			o.Metrics = map[string]float64{}
			for range r.IntN(3) {
				o.Metrics[names[r.IntN(len(names))]] = randFloat(r)
			}
		}
		for range r.IntN(7) {
			o = o.Metric(names[r.IntN(len(names))], randFloat(r))
		}
		got, gerr := appendOutputBinary(nil, o)
		want, werr := abi.AppendOutputBinary(nil, o.ABI())
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("case %d: error %v; abi says %v", i, gerr, werr)
		}
		if gerr != nil {
			continue
		}
		if len(got) != len(want) {
			t.Fatalf("case %d: %d bytes; abi writes %d", i, len(got), len(want))
		}
		var dg, dw abi.Output
		if err := abi.DecodeOutputBinary(got, &dg); err != nil {
			t.Fatalf("case %d: host cannot decode: %v", i, err)
		}
		_ = abi.DecodeOutputBinary(want, &dw)
		if !reflect.DeepEqual(dg, dw) {
			t.Fatalf("case %d: decodes to %v; abi's to %v", i, dg, dw)
		}
	}
	if _, err := appendOutputBinary(nil, Healthy("x").Metric("nan", math.NaN())); err == nil {
		t.Error("NaN metric encoded")
	}
}
