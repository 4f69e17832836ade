package jsonx

import (
	"encoding/base64"
	"math"
	"strconv"
	"unicode/utf8"
)

// The appenders write what encoding/json's Marshal writes for the same Go
// value, byte for byte.

const hexDigits = "0123456789abcdef"

// AppendString appends s quoted as encoding/json does: HTML-sensitive <,
// >, & and U+2028/2029 escaped, invalid UTF-8 as \ufffd.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// UnsupportedFloat is the error for NaN and ±Inf, which JSON cannot hold.
// Str is what encoding/json's UnsupportedValueError says.
type UnsupportedFloat struct{ Str string }

func (e *UnsupportedFloat) Error() string { return "json: unsupported value: " + e.Str }

// AppendFloat appends f as encoding/json formats a float64.
func AppendFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return dst, &UnsupportedFloat{Str: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	// Whole numbers (statuses, counts, byte sizes) are common metrics; in
	// a wasm guest strconv's shortest-float search costs ~10x this.
	// Below 2^53 the integer's digits are exactly what 'f' writes; -0
	// (an integer with a sign bit) is left to strconv.
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 && (f != 0 || !math.Signbit(f)) {
		return strconv.AppendInt(dst, int64(f), 10), nil
	}
	if dst, ok := appendMilli(dst, f); ok {
		return dst, nil
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}

// appendMilli writes f when it is exactly the double nearest some
// k/1000 (|f| < 1e9): durations in milliseconds at microsecond
// resolution, which is how the host reports timings. Every decimal
// with fewer digits lies at least 0.001 away, far more than f's ulp,
// so k/1000 with trailing zeros trimmed is exactly the shortest form
// strconv would find, without its search.
func appendMilli(dst []byte, f float64) ([]byte, bool) {
	a := math.Abs(f)
	if a >= 1e9 || a < 1e-3 {
		return dst, false
	}
	k := math.Round(a * 1000)
	if k/1000 != a {
		return dst, false
	}
	n := int64(k)
	if f < 0 {
		dst = append(dst, '-')
	}
	dst = strconv.AppendInt(dst, n/1000, 10)
	frac := n % 1000
	if frac == 0 {
		return dst, true // whole numbers took the path above; kept for safety
	}
	digits := [3]byte{byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	end := 3
	for digits[end-1] == '0' {
		end--
	}
	dst = append(dst, '.')
	return append(dst, digits[:end]...), true
}

// AppendInt appends an integer.
func AppendInt(dst []byte, n int64) []byte { return strconv.AppendInt(dst, n, 10) }

// AppendBase64 appends b as encoding/json writes a []byte (nil is null).
func AppendBase64(dst, b []byte) []byte {
	if b == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

// AppendKey appends a quoted object key and its colon, preceded by a comma
// unless first.
func AppendKey(dst []byte, first bool, key string) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = AppendString(dst, key)
	return append(dst, ':')
}
