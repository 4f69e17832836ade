package jsonx

import (
	"encoding/base64"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// The readers below decode into Go values the way encoding/json does,
// including null: it leaves the destination alone (null reports true so a
// caller can clear a map or slice, as encoding/json does).

// Int reads an integer-valued number literal into *v.
func (d *Dec) Int(v *int64) (null bool, err error) {
	if null, err := d.Null(); null || err != nil {
		return null, err
	}
	at := d.i
	lit, err := d.Number()
	if err != nil {
		return false, err
	}
	if n, ok := smallInt(lit); ok {
		*v = n
		return false, nil
	}
	n, err := strconv.ParseInt(string(lit), 10, 64)
	if err != nil {
		return false, &TypeError{Got: "number " + string(lit), Want: "int64", Offset: at}
	}
	*v = n
	return false, nil
}

// Float reads a number into *v.
func (d *Dec) Float(v *float64) (null bool, err error) {
	if null, err := d.Null(); null || err != nil {
		return null, err
	}
	at := d.i
	lit, err := d.Number()
	if err != nil {
		return false, err
	}
	if f, ok := shortDecimal(lit); ok {
		*v = f
		return false, nil
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		return false, &TypeError{Got: "number " + string(lit), Want: "float64", Offset: at}
	}
	*v = f
	return false, nil
}

// Fast paths for the numbers the host sends (statuses, sizes, timings
// such as 0.412345): in a wasm guest strconv's general parsers cost
// several times these loops. Both give up (ok false) on anything else,
// which strconv then reads as before.

// smallInt parses -?[0-9]{1,18}: no overflow possible.
func smallInt(lit []byte) (int64, bool) {
	neg := len(lit) > 0 && lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	if len(lit) == 0 || len(lit) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range lit {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// shortDecimal parses -?digits[.digits] with at most 15 significant
// digits and no exponent. The mantissa and the power of ten are then
// exact float64s, so one division rounds correctly: the value strconv
// returns (its own "exact" fast path is the same division).
func shortDecimal(lit []byte) (float64, bool) {
	neg := len(lit) > 0 && lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	var m uint64
	digits, frac := 0, -1
	for i, c := range lit {
		switch {
		case c >= '0' && c <= '9':
			if m != 0 || c != '0' {
				digits++
			}
			m = m*10 + uint64(c-'0')
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0 && i > 0:
			frac = 0
		default:
			return 0, false
		}
		if digits > 15 || frac >= len(pow10) {
			return 0, false
		}
	}
	if len(lit) == 0 || frac == 0 {
		return 0, false
	}
	f := float64(m)
	if frac > 0 {
		f /= pow10[frac]
	}
	if neg {
		f = -f
	}
	return f, true
}

// Boolean reads true or false into *v.
func (d *Dec) Boolean(v *bool) (null bool, err error) {
	if null, err := d.Null(); null || err != nil {
		return null, err
	}
	b, err := d.Bool()
	if err == nil {
		*v = b
	}
	return false, err
}

// Str reads a string into *v.
func (d *Dec) Str(v *string) (null bool, err error) {
	if null, err := d.Null(); null || err != nil {
		return null, err
	}
	var buf [64]byte
	b, err := d.String(buf[:0])
	if err == nil {
		*v = string(b)
	}
	return false, err
}

// StrLike is Str, except that when the string reads the same as like,
// *v is set to like itself: no allocation. Decoders keep the previous
// document's values as like, for fields that rarely change between
// documents (a zone, a monitor id served again).
func (d *Dec) StrLike(v *string, like string) (null bool, err error) {
	if null, err := d.Null(); null || err != nil {
		return null, err
	}
	var buf [64]byte
	b, err := d.String(buf[:0])
	if err == nil {
		if string(b) == like {
			*v = like
		} else {
			*v = string(b)
		}
	}
	return false, err
}

// Base64 reads a standard base64 string into *v as encoding/json decodes
// a []byte: null is nil, "" is empty but not nil.
func (d *Dec) Base64(v *[]byte) error {
	if null, err := d.Null(); err != nil {
		return err
	} else if null {
		*v = nil
		return nil
	}
	at := d.i
	s, err := d.String(nil)
	if err != nil {
		return err
	}
	b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(b, s)
	if err != nil {
		return &TypeError{Got: "string", Want: "base64", Offset: at}
	}
	*v = b[:n]
	return nil
}

// Lookup returns the index of the first of names that key selects (see
// Field), or -1. Exact matches are tried first: they are what a host
// sends, and comparing lengths rejects most names at once.
func Lookup(key []byte, names []string) int {
	for i, n := range names {
		if string(key) == n {
			return i
		}
	}
	for i, n := range names {
		if Field(key, n) {
			return i
		}
	}
	return -1
}

// Field reports whether key selects the struct field named name the way
// encoding/json matches keys: exactly, or else equal after its case
// folding (which maps, e.g., "ſ" to "S" and the Kelvin sign to "K").
// name must be ASCII. Callers check exact names of all fields first only
// where two names fold alike; the ABI's field names never do.
func Field(key []byte, name string) bool {
	if string(key) == name {
		return true
	}
	j := 0
	for i := 0; i < len(key); {
		c := key[i]
		var r rune
		if c < utf8.RuneSelf {
			r = rune(c)
			i++
		} else {
			var n int
			r, n = utf8.DecodeRune(key[i:])
			i += n
			r = unicode.ToUpper(unicode.ToLower(r))
		}
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		if j >= len(name) {
			return false
		}
		want := rune(name[j])
		if 'a' <= want && want <= 'z' {
			want -= 'a' - 'A'
		}
		if r != want {
			return false
		}
		j++
	}
	return j == len(name)
}
