package jsonx

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// Dec reads one JSON text. Every method validates what it reads, so a
// document that decodes without error is valid JSON as encoding/json
// defines it; callers finish with End.
type Dec struct {
	b     []byte
	i     int
	depth int
}

// NewDec starts reading b.
func NewDec(b []byte) *Dec { return &Dec{b: b} }

// Reset reuses d for b.
func (d *Dec) Reset(b []byte) { *d = Dec{b: b} }

// SyntaxError is invalid JSON at an offset.
type SyntaxError struct {
	Msg    string
	Offset int
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("json: %s at offset %d", e.Msg, e.Offset) }

// TypeError is valid JSON of the wrong kind for the value read.
type TypeError struct {
	Got, Want string
	Offset    int
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("json: cannot read %s as %s at offset %d", e.Got, e.Want, e.Offset)
}

func (d *Dec) syntax(msg string) error { return &SyntaxError{Msg: msg, Offset: d.i} }

func (d *Dec) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// Kind is the first byte of the next value: '{', '[', '"', 'n', 't',
// 'f', '0' for any number, or 0 at the end of input or on a byte no value
// starts with.
func (d *Dec) Kind() byte {
	d.ws()
	if d.i >= len(d.b) {
		return 0
	}
	switch c := d.b[d.i]; c {
	case '{', '[', '"', 'n', 't', 'f':
		return c
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return '0'
	}
	return 0
}

func kindName(k byte) string {
	switch k {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 'n':
		return "null"
	case 't', 'f':
		return "bool"
	case '0':
		return "number"
	}
	return "invalid"
}

// typeErr reports the next value is not a want. It first skips the value
// so a syntax error, which encoding/json reports first, wins.
func (d *Dec) typeErr(want string) error {
	at := d.i
	k := d.Kind()
	if _, err := d.Raw(); err != nil {
		return err
	}
	return &TypeError{Got: kindName(k), Want: want, Offset: at}
}

// End checks that only whitespace is left.
func (d *Dec) End() error {
	d.ws()
	if d.i != len(d.b) {
		return d.syntax("invalid character after top-level value")
	}
	return nil
}

// Null consumes a null literal if one is next.
func (d *Dec) Null() (bool, error) {
	if d.Kind() != 'n' {
		return false, nil
	}
	return true, d.lit("null")
}

func (d *Dec) lit(s string) error {
	if len(d.b)-d.i < len(s) || string(d.b[d.i:d.i+len(s)]) != s {
		return d.syntax("invalid literal")
	}
	d.i += len(s)
	return nil
}

// Bool reads true or false.
func (d *Dec) Bool() (bool, error) {
	switch d.Kind() {
	case 't':
		return true, d.lit("true")
	case 'f':
		return false, d.lit("false")
	}
	return false, d.typeErr("bool")
}

// Number reads a number and returns its literal.
func (d *Dec) Number() ([]byte, error) {
	if d.Kind() != '0' {
		return nil, d.typeErr("number")
	}
	return d.number()
}

func (d *Dec) number() ([]byte, error) {
	start := d.i
	if d.b[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.b) && d.b[d.i] == '0':
		d.i++
	case d.digits() == 0:
		return nil, d.syntax("invalid number")
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if d.digits() == 0 {
			return nil, d.syntax("invalid number")
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if d.digits() == 0 {
			return nil, d.syntax("invalid number")
		}
	}
	return d.b[start:d.i], nil
}

func (d *Dec) digits() int {
	n := 0
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
		n++
	}
	return n
}

// String reads a string and appends its unescaped value to dst, coercing
// invalid UTF-8 and lone surrogates to U+FFFD as encoding/json does.
func (d *Dec) String(dst []byte) ([]byte, error) {
	if d.Kind() != '"' {
		return dst, d.typeErr("string")
	}
	return d.str(dst)
}

func (d *Dec) str(dst []byte) ([]byte, error) {
	d.i++ // opening quote
	start := d.i
	for {
		if d.i >= len(d.b) {
			return dst, d.syntax("unexpected end of string")
		}
		c := d.b[d.i]
		switch {
		case c == '"':
			dst = append(dst, d.b[start:d.i]...)
			d.i++
			return dst, nil
		case c == '\\':
			dst = append(dst, d.b[start:d.i]...)
			var err error
			if dst, err = d.escape(dst); err != nil {
				return dst, err
			}
			start = d.i
		case c < 0x20:
			return dst, d.syntax("control character in string")
		case c < utf8.RuneSelf:
			d.i++
		default:
			r, size := utf8.DecodeRune(d.b[d.i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, d.b[start:d.i]...)
				dst = utf8.AppendRune(dst, unicode.ReplacementChar)
				d.i++
				start = d.i
				continue
			}
			d.i += size
		}
	}
}

func (d *Dec) escape(dst []byte) ([]byte, error) {
	if d.i+1 >= len(d.b) {
		return dst, d.syntax("unexpected end of string")
	}
	c := d.b[d.i+1]
	d.i += 2
	switch c {
	case '"', '\\', '/':
		return append(dst, c), nil
	case 'b':
		return append(dst, '\b'), nil
	case 'f':
		return append(dst, '\f'), nil
	case 'n':
		return append(dst, '\n'), nil
	case 'r':
		return append(dst, '\r'), nil
	case 't':
		return append(dst, '\t'), nil
	case 'u':
		r := d.hex4()
		if r < 0 {
			return dst, d.syntax("invalid \\u escape")
		}
		if utf16.IsSurrogate(r) {
			// A valid pair is one rune; anything else is U+FFFD and the
			// second escape, if any, is read on its own.
			if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
				save := d.i
				d.i += 2
				r2 := d.hex4()
				if dec := utf16.DecodeRune(r, r2); r2 >= 0 && dec != unicode.ReplacementChar {
					return utf8.AppendRune(dst, dec), nil
				}
				d.i = save
			}
			r = unicode.ReplacementChar
		}
		return utf8.AppendRune(dst, r), nil
	}
	return dst, d.syntax("invalid escape")
}

func (d *Dec) hex4() rune {
	if len(d.b)-d.i < 4 {
		return -1
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	d.i += 4
	return r
}

// Object reads an object, calling fn with each (unescaped) key; fn must
// read the value. key is only valid during the call.
func (d *Dec) Object(fn func(key []byte) error) error {
	if d.Kind() != '{' {
		return d.typeErr("object")
	}
	if err := d.push(); err != nil {
		return err
	}
	d.i++
	var key, buf []byte
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		d.depth--
		return nil
	}
	for {
		d.ws()
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return d.syntax("want an object key")
		}
		if k, ok := d.plainKey(); ok {
			key = k // in place: never a dst to append into
		} else {
			var err error
			if buf, err = d.str(buf[:0]); err != nil {
				return err
			}
			key = buf
		}
		d.ws()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return d.syntax("want ':' after an object key")
		}
		d.i++
		if d.Kind() == 0 {
			return d.syntax("want a value")
		}
		if err := fn(key); err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) {
			return d.syntax("unexpected end of object")
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			d.depth--
			return nil
		default:
			return d.syntax("want ',' or '}' in an object")
		}
	}
}

// plainKey reads a string at d.i made only of printable ASCII without
// escapes (every key the ABI uses) and returns it in place: no copy, no
// allocation. Otherwise it reads nothing and reports false, and str does
// the general work.
func (d *Dec) plainKey() ([]byte, bool) {
	for j := d.i + 1; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			k := d.b[d.i+1 : j]
			d.i = j + 1
			return k, true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return nil, false
		}
	}
	return nil, false
}

// Array reads an array, calling fn for each element; fn must read it.
func (d *Dec) Array(fn func() error) error {
	if d.Kind() != '[' {
		return d.typeErr("array")
	}
	if err := d.push(); err != nil {
		return err
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		d.depth--
		return nil
	}
	for {
		if d.Kind() == 0 {
			return d.syntax("want a value")
		}
		if err := fn(); err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) {
			return d.syntax("unexpected end of array")
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			d.depth--
			return nil
		default:
			return d.syntax("want ',' or ']' in an array")
		}
	}
}

func (d *Dec) push() error {
	d.depth++
	if d.depth > maxDepth {
		return errors.New("json: exceeded max depth")
	}
	return nil
}

// Raw reads any value and returns its bytes as they appear in the input.
func (d *Dec) Raw() ([]byte, error) {
	k := d.Kind()
	start := d.i
	var err error
	switch k {
	case '{':
		err = d.Object(func([]byte) error { _, err := d.Raw(); return err })
	case '[':
		err = d.Array(func() error { _, err := d.Raw(); return err })
	case '"':
		err = d.skipStr()
	case 'n':
		err = d.lit("null")
	case 't':
		err = d.lit("true")
	case 'f':
		err = d.lit("false")
	case '0':
		_, err = d.number()
	default:
		if d.i >= len(d.b) {
			return nil, d.syntax("unexpected end of input")
		}
		return nil, d.syntax("invalid character looking for a value")
	}
	if err != nil {
		return nil, err
	}
	return d.b[start:d.i], nil
}

// skipStr validates a string without unescaping it.
func (d *Dec) skipStr() error {
	d.i++
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return nil
		case c == '\\':
			if d.i+1 >= len(d.b) {
				return d.syntax("unexpected end of string")
			}
			switch d.b[d.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.i += 2
			case 'u':
				d.i += 2
				if d.hex4() < 0 {
					return d.syntax("invalid \\u escape")
				}
			default:
				return d.syntax("invalid escape")
			}
		case c < 0x20:
			return d.syntax("control character in string")
		default:
			d.i++
		}
	}
	return d.syntax("unexpected end of string")
}
