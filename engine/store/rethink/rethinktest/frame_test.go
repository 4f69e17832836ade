package rethinktest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"testing"

	p "gopkg.in/rethinkdb/rethinkdb-go.v6/ql2"
)

func frame(token int64, body string) []byte {
	b := make([]byte, 12+len(body))
	binary.LittleEndian.PutUint64(b, uint64(token))
	binary.LittleEndian.PutUint32(b[8:], uint32(len(body)))
	copy(b[12:], body)
	return b
}

func TestReadFrame(t *testing.T) {
	cases := []struct {
		name  string
		in    []byte
		token int64
		body  string
		ok    bool
	}{
		{"query", frame(7, `[1,1]`), 7, `[1,1]`, true},
		{"empty body", frame(1, ``), 1, ``, true},
		{"short header", []byte{1, 2, 3}, 0, "", false},
		{"short body", frame(3, `[1,1]`)[:14], 3, "", false},
		{"too long", func() []byte {
			b := frame(9, "")
			binary.LittleEndian.PutUint32(b[8:], maxQueryLen+1)
			return b
		}(), 9, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, body, err := readFrame(bytes.NewReader(c.in))
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok=%v", err, c.ok)
			}
			if c.ok && (tok != c.token || string(body) != c.body) {
				t.Errorf("got %d %q, want %d %q", tok, body, c.token, c.body)
			}
		})
	}
}

func TestParseQuery(t *testing.T) {
	cases := []struct {
		name string
		in   string
		typ  p.Query_QueryType
		ok   bool
	}{
		{"start", `[1,[15,["t"]],{"db":[14,["x"]]}]`, p.Query_START, true},
		{"continue", `[2]`, p.Query_CONTINUE, true},
		{"stop noreply", `[3,{"noreply":true}]`, p.Query_STOP, true}, // as the driver sends it
		{"stop", `[3]`, p.Query_STOP, true},
		{"noreply wait", `[4]`, p.Query_NOREPLY_WAIT, true},
		{"server info", `[5]`, p.Query_SERVER_INFO, true},
		{"start without term", `[1]`, 0, false},
		{"unknown type", `[9,1]`, 0, false},
		{"fractional type", `[1.5,1]`, 0, false},
		{"not an array", `{"a":1}`, 0, false},
		{"empty", ``, 0, false},
		{"trailing", `[2] [2]`, 0, false},
		{"optargs not object", `[1,1,[]]`, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := parseQuery([]byte(c.in))
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok=%v", err, c.ok)
			}
			if c.ok && q.typ != c.typ {
				t.Errorf("type %v, want %v", q.typ, c.typ)
			}
			if c.name == "stop noreply" && !noreply(q) {
				t.Errorf("noreply lost: %+v", q)
			}
		})
	}
}

// newBareServer is a server's state without a listener, for evaluating
// queries directly.
func newBareServer() *Server {
	return &Server{data: newData(), feeds: map[*feed]struct{}{}}
}

// FuzzQuery feeds arbitrary bytes through the frame reader, the query
// parser and the evaluator: whatever a client sends, the server answers
// or drops the connection, and never panics.
func FuzzQuery(f *testing.F) {
	seeds := []string{
		`[1,[57,["runbook"]]]`,
		`[1,[60,[[14,["test"]],"t"]]]`,
		`[1,[56,[[15,["t"]],{"id":"a","n":1}],{"conflict":"replace"}]]`,
		`[1,[56,[[15,["t"]],[2,[{"id":"a"},{"id":"b"}]]],{"conflict":[69,[[2,[1,2,3]],[10,[2]]]]}]]`,
		`[1,[16,[[15,["t"]],"a"]]]`,
		`[1,[53,[[16,[[15,["t"]],"a"]],[69,[[2,[4]],[65,[[19,[[92,[[31,[[10,[4]],"n"]],0]],5]],{"n":5},{}]]]]]]]`,
		`[1,[71,[[41,[[182,[[15,["t"]],[180,[]],[181,[]]],{"index":"id"}]],{"index":[74,["id"]]}]],2]]]`,
		`[1,[43,[[39,[[15,["t"]],{"n":1}]]]]]`,
		`[1,[152,[[39,[[15,["t"]],{"zone":"z1"}]]]]]`,
		`[1,[75,[[15,["t"]],"k",[69,[[2,[1]],[2,[[31,[[10,[1]],"a"]],[31,[[10,[1]],"b"]]]]]]]]]`,
		`[1,[54,[[78,[[15,["t"]],"a","b"],{"index":"id"}]]]]]`,
		`[1,[170,[[2,[1,2,3]],-1]]]`,
		`[1,1,{"db":[14,["nope"]],"noreply":true}]`,
		`[2]`, `[3]`, `[4]`, `[5]`,
	}
	for _, s := range seeds {
		f.Add(frame(1, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := newBareServer()
		// Every fuzz input runs against a database with one table in it.
		setup, _ := parseQuery([]byte(`[1,[60,["t"]]]`))
		if _, _, err := s.run(setup); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(bytes.NewReader(data))
		for {
			_, payload, err := readFrame(br)
			if err != nil {
				return
			}
			q, err := parseQuery(payload)
			if err != nil || q.typ != p.Query_START {
				continue
			}
			v, fd, err := s.run(q)
			if fd != nil {
				s.unregister(fd)
			}
			if err == nil {
				resp := result(v)
				if _, err := frameResponse(1, resp); err != nil {
					t.Fatalf("cannot encode the answer to %s: %v", payload, err)
				}
			}
		}
	})
}
