package jsonx

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// The number fast paths must return exactly what strconv does, or step
// aside.
func TestNumberFastPathsMatchStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	lits := []string{"0", "-0", "1", "-1", "0.5", "-0.0", "0.412345", "123456789012345", "1234567890123456",
		"0.000000000000001", "0.0000000000000001", "999999999999999.9", "1e5", "1.", ".5", "-", "", "1.2.3",
		"9223372036854775807", "999999999999999999", "-999999999999999999", "00.1", "1_0"}
	for range 200000 {
		var s string
		switch r.IntN(4) {
		case 0:
			s = strconv.FormatFloat(float64(r.IntN(1e9))/math.Pow10(r.IntN(12)), 'f', -1, 64)
		case 1:
			s = strconv.FormatFloat(r.NormFloat64()*math.Pow10(r.IntN(10)), 'f', r.IntN(17), 64)
		case 2:
			s = strconv.FormatInt(r.Int64N(1<<62)-1<<61, 10)
		default:
			s = strconv.FormatFloat(float64(r.Int64N(1e15))/1e3, 'f', -1, 64)
		}
		lits = append(lits, s)
	}
	for _, s := range lits {
		if f, ok := shortDecimal([]byte(s)); ok {
			want, err := strconv.ParseFloat(s, 64)
			if err != nil || math.Float64bits(f) != math.Float64bits(want) {
				t.Fatalf("shortDecimal(%q) = %v; strconv says %v, %v", s, f, want, err)
			}
		}
		if n, ok := smallInt([]byte(s)); ok {
			want, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n != want {
				t.Fatalf("smallInt(%q) = %v; strconv says %v, %v", s, n, want, err)
			}
		}
	}
	if _, ok := shortDecimal([]byte("0.412345")); !ok {
		t.Error("a host timing took the slow path")
	}
}

// AppendFloat must write what encoding/json writes, fast path or not:
// millisecond timings at microsecond resolution take appendMilli.
func TestAppendFloatMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	fs := []float64{0, 1, -1, 0.5, 0.001, -0.001, 0.0005, 0.1 + 0.2, 1e-7, 1e21, 123.456, 999999999.999,
		1e9 + 0.5, math.Nextafter(0.25, 1), math.MaxFloat64, math.SmallestNonzeroFloat64}
	for range 200000 {
		switch r.IntN(3) {
		case 0: // what the host reports: k µs as ms
			fs = append(fs, float64(r.Int64N(2e12)-1e12)/1000)
		case 1:
			fs = append(fs, r.NormFloat64()*math.Pow10(r.IntN(12)-4))
		default:
			fs = append(fs, math.Float64frombits(r.Uint64()))
		}
	}
	for _, f := range fs {
		want, wantErr := json.Marshal(f)
		got, err := AppendFloat(nil, f)
		if (err != nil) != (wantErr != nil) || err == nil && string(got) != string(want) {
			t.Fatalf("AppendFloat(%v) = %s, %v; json.Marshal = %s, %v", f, got, err, want, wantErr)
		}
	}
	if _, ok := appendMilli(nil, 0.412); !ok {
		t.Error("a host timing took the slow path")
	}
}
