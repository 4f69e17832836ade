package jsonx

import (
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
