package host

import "fmt"

// errUnsupported marks code the walker does not understand: the module is
// then run without instrumentation (see instrument). Its message names
// the opcode so the log says why.
type errUnsupported struct{ what string }

func (e errUnsupported) Error() string { return "unsupported instruction: " + e.what }

// loopBodies returns the offsets in expr (a function body's expression,
// after its locals) just past every `loop` instruction and its block
// type: the first instruction each iteration runs. It knows the
// immediates of every instruction of wasm 2.0 (MVP, sign extension,
// saturating truncation, bulk memory, reference types, typed select) and
// returns errUnsupported for the rest (SIMD, threads, exceptions, tail
// calls, GC, multi-memory), so an unknown immediate is never misread as
// opcodes. It also checks block nesting: expr must end with the `end`
// that closes the function, and nothing may follow it.
func loopBodies(expr []byte) ([]int, error) {
	r := &reader{b: expr}
	var out []int
	depth := 1 // the function body itself
	for depth > 0 {
		at := r.pos
		op, err := r.byte()
		if err != nil {
			return nil, err
		}
		if err := skipImmediates(r, op); err != nil {
			return nil, fmt.Errorf("opcode %#x at %d: %w", op, at, err)
		}
		switch op {
		case 0x02, 0x04: // block, if
			depth++
		case 0x03: // loop
			depth++
			out = append(out, r.pos)
		case 0x0b: // end
			depth--
		}
	}
	if !r.done() {
		return nil, fmt.Errorf("%d bytes after the function's end", len(expr)-r.pos)
	}
	return out, nil
}

// skipImmediates advances r past the immediates of op.
func skipImmediates(r *reader, op byte) error {
	switch {
	case op == 0x00 || op == 0x01 || op == 0x05 || op == 0x0b || op == 0x0f || op == 0x1a || op == 0x1b:
		// unreachable, nop, else, end, return, drop, select
		return nil
	case op >= 0x02 && op <= 0x04: // block, loop, if
		return skipBlockType(r)
	case op == 0x0c || op == 0x0d || op == 0x10: // br, br_if, call
		_, err := r.u32()
		return err
	case op == 0x0e: // br_table
		n, err := r.u32()
		if err != nil {
			return err
		}
		for i := uint64(0); i <= uint64(n); i++ { // n labels + the default
			if _, err := r.u32(); err != nil {
				return err
			}
		}
		return nil
	case op == 0x11: // call_indirect typeidx tableidx
		return skipU32s(r, 2)
	case op == 0x1c: // select t*
		n, err := r.u32()
		if err != nil {
			return err
		}
		for i := uint32(0); i < n; i++ {
			if err := skipValType(r); err != nil {
				return err
			}
		}
		return nil
	case op >= 0x20 && op <= 0x26: // local.get/set/tee, global.get/set, table.get/set
		_, err := r.u32()
		return err
	case op >= 0x28 && op <= 0x3e: // loads and stores: memarg
		align, err := r.u32()
		if err != nil {
			return err
		}
		if align >= 64 { // multi-memory: a memory index follows
			return errUnsupported{"multi-memory memarg"}
		}
		_, err = r.u32()
		return err
	case op == 0x3f || op == 0x40: // memory.size, memory.grow: memory index
		_, err := r.u32()
		return err
	case op == 0x41: // i32.const
		_, err := r.sleb(5)
		return err
	case op == 0x42: // i64.const
		_, err := r.sleb(10)
		return err
	case op == 0x43: // f32.const
		_, err := r.bytes(4)
		return err
	case op == 0x44: // f64.const
		_, err := r.bytes(8)
		return err
	case op >= 0x45 && op <= 0xc4: // numeric and sign-extension operators
		return nil
	case op == 0xd0: // ref.null reftype
		return skipRefType(r)
	case op == 0xd1: // ref.is_null
		return nil
	case op == 0xd2: // ref.func funcidx
		_, err := r.u32()
		return err
	case op == 0xfc:
		return skipFC(r)
	}
	return errUnsupported{fmt.Sprintf("opcode %#x (%s)", op, opFamily(op))}
}

// skipFC skips a 0xFC-prefixed instruction: saturating truncation, bulk
// memory and table operations.
func skipFC(r *reader) error {
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 7: // i32/i64.trunc_sat_f32/f64_s/u
		return nil
	case sub == 8: // memory.init dataidx memidx
		return skipU32s(r, 2)
	case sub == 9: // data.drop dataidx
		return skipU32s(r, 1)
	case sub == 10: // memory.copy memidx memidx
		return skipU32s(r, 2)
	case sub == 11: // memory.fill memidx
		return skipU32s(r, 1)
	case sub == 12: // table.init elemidx tableidx
		return skipU32s(r, 2)
	case sub == 13: // elem.drop elemidx
		return skipU32s(r, 1)
	case sub == 14: // table.copy tableidx tableidx
		return skipU32s(r, 2)
	case sub >= 15 && sub <= 17: // table.grow, table.size, table.fill
		return skipU32s(r, 1)
	}
	return errUnsupported{fmt.Sprintf("0xfc %d", sub)}
}

func skipU32s(r *reader, n int) error {
	for range n {
		if _, err := r.u32(); err != nil {
			return err
		}
	}
	return nil
}

// skipBlockType accepts the empty type, one value type, or a type index.
// Other negative encodings are GC/function-references types.
func skipBlockType(r *reader) error {
	v, err := r.sleb(5)
	if err != nil {
		return err
	}
	if v >= 0 {
		return nil // type index (s33, non-negative)
	}
	switch byte(v & 0x7f) {
	case 0x40, 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f:
		return nil
	}
	return errUnsupported{fmt.Sprintf("block type %#x", byte(v&0x7f))}
}

// skipValType accepts the wasm 2.0 value types.
func skipValType(r *reader) error {
	c, err := r.byte()
	if err != nil {
		return err
	}
	switch c {
	case 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f:
		return nil
	}
	return errUnsupported{fmt.Sprintf("value type %#x", c)}
}

func skipRefType(r *reader) error {
	c, err := r.byte()
	if err != nil {
		return err
	}
	if c == 0x70 || c == 0x6f {
		return nil
	}
	return errUnsupported{fmt.Sprintf("reference type %#x", c)}
}

// opFamily names the proposal an unknown opcode most likely belongs to,
// for the log line explaining a fallback.
func opFamily(op byte) string {
	switch op {
	case 0xfd:
		return "SIMD"
	case 0xfe:
		return "threads"
	case 0xfb:
		return "GC"
	case 0x06, 0x07, 0x08, 0x09, 0x0a, 0x18, 0x19, 0x1f:
		return "exception handling"
	case 0x12, 0x13, 0x14, 0x15:
		return "tail calls / function references"
	}
	return "unknown"
}
