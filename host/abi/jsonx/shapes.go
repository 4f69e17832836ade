package jsonx

// Readers for the composite shapes the ABI uses, with encoding/json's
// semantics: null sets a map or slice to nil, an object or array decodes
// into a new one when it is nil and merges into an existing map, and a
// null element is the zero value.

// IntVal reads an integer into an int.
func (d *Dec) IntVal(v *int) error {
	n := int64(*v)
	_, err := d.Int(&n)
	if err == nil {
		*v = int(n)
	}
	return err
}

// StringSlicesMap reads an object of string arrays (HTTP headers).
func (d *Dec) StringSlicesMap(h *map[string][]string) error {
	if null, err := d.Null(); err != nil || null {
		*h = nil
		return err
	}
	if d.Kind() == '{' && *h == nil {
		*h = map[string][]string{}
	}
	return d.Object(func(key []byte) error {
		var vs []string
		if err := d.Strings(&vs); err != nil {
			return err
		}
		(*h)[string(key)] = vs
		return nil
	})
}

// Strings reads an array of strings.
func (d *Dec) Strings(vs *[]string) error {
	if null, err := d.Null(); err != nil || null {
		*vs = nil
		return err
	}
	if d.Kind() == '[' {
		*vs = []string{} // [] is empty, not nil
	}
	return d.Array(func() error {
		var v string
		_, err := d.Str(&v)
		*vs = append(*vs, v)
		return err
	})
}

// FloatMap reads an object of numbers (output metrics).
func (d *Dec) FloatMap(m *map[string]float64) error {
	if null, err := d.Null(); err != nil || null {
		*m = nil
		return err
	}
	if d.Kind() == '{' && *m == nil {
		*m = map[string]float64{}
	}
	return d.Object(func(key []byte) error {
		var f float64
		_, err := d.Float(&f)
		if err == nil {
			(*m)[string(key)] = f
		}
		return err
	})
}
