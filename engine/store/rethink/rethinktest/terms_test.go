package rethinktest

import (
	"errors"
	"strings"
	"testing"
	"time"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"
)

// session connects the real driver to a fresh server with table "t"
// (primary key id, secondary indexes "n" and compound "zn" = [zone, n])
// holding rows a..e.
func session(t *testing.T) (*Server, *r.Session) {
	t.Helper()
	srv := New(t, Options{Password: "pw", Iterations: 64})
	// No Database option: the driver's NoReplyWait panics on a nil map
	// when one is set (rethinkdb-go v6.2.1, connection.go:177); unqualified
	// tables land in "test" either way.
	sess, err := r.Connect(r.ConnectOpts{Address: srv.Addr(), Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	mustExec(t, sess, r.TableCreate("t"))
	mustExec(t, sess, r.Table("t").IndexCreate("n"))
	mustExec(t, sess, r.Table("t").IndexCreateFunc("zn", func(row r.Term) interface{} {
		return []interface{}{row.Field("zone"), row.Field("n")}
	}))
	mustExec(t, sess, r.Table("t").Insert([]map[string]interface{}{
		{"id": "a", "n": 1, "zone": "z1"}, {"id": "b", "n": 2, "zone": "z1"}, {"id": "c", "n": 2, "zone": "z2"},
		{"id": "d", "n": 3, "zone": "z1"}, {"id": "e", "zone": "z2"},
	}))
	return srv, sess
}

func mustExec(t *testing.T, sess *r.Session, q r.Term) {
	t.Helper()
	if err := q.Exec(sess); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func ids(t *testing.T, sess *r.Session, q r.Term) string {
	t.Helper()
	var rows []map[string]interface{}
	cur, err := q.Run(sess)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if err := cur.All(&rows); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	var out []string
	for _, row := range rows {
		out = append(out, row["id"].(string))
	}
	return strings.Join(out, ",")
}

func TestSelections(t *testing.T) {
	_, sess := session(t)
	tbl := r.Table("t")
	cases := []struct {
		name string
		q    r.Term
		want string
	}{
		{"table in key order", tbl, "a,b,c,d,e"},
		{"get_all primary", tbl.GetAll("c", "a"), "c,a"},
		{"get_all index", tbl.GetAll(2).OptArgs(r.GetAllOpts{Index: "n"}), "b,c"},
		{"between is [lo, hi)", tbl.Between(1, 3, r.BetweenOpts{Index: "n"}), "a,b,c"},
		{"between closed right", tbl.Between(1, 3, r.BetweenOpts{Index: "n", RightBound: "closed"}), "a,b,c,d"},
		{"between open left", tbl.Between(1, 3, r.BetweenOpts{Index: "n", LeftBound: "open"}), "b,c"},
		{"between minval maxval compound", tbl.Between([]interface{}{"z1", r.MinVal}, []interface{}{"z1", r.MaxVal}, r.BetweenOpts{Index: "zn"}), "a,b,d"},
		{"order_by index skips unindexed rows", tbl.OrderBy(r.OrderByOpts{Index: "n"}), "a,b,c,d"},
		{"order_by desc index, ties by key", tbl.OrderBy(r.OrderByOpts{Index: r.Desc("n")}), "d,c,b,a"},
		{"between then order_by then limit", tbl.Between(r.MinVal, r.MaxVal, r.BetweenOpts{Index: "n"}).OrderBy(r.OrderByOpts{Index: r.Desc("n")}).Limit(2), "d,c"},
		{"filter object", tbl.Filter(map[string]interface{}{"zone": "z2"}), "c,e"},
		{"filter function, missing field is false", tbl.Filter(func(row r.Term) r.Term { return row.Field("n").Gt(1) }), "b,c,d"},
		{"filter with default", tbl.Filter(func(row r.Term) r.Term { return row.Field("n").Default(9).Gt(2) }), "d,e"},
		{"order_by field", tbl.OrderBy(r.Desc("id")).Limit(2), "e,d"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ids(t, sess, c.q); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func one(t *testing.T, sess *r.Session, q r.Term, dest interface{}) error {
	t.Helper()
	cur, err := q.Run(sess)
	if err != nil {
		return err
	}
	return cur.One(dest)
}

func TestWrites(t *testing.T) {
	_, sess := session(t)
	tbl := r.Table("t")
	keepOld := func(id, o, n r.Term) interface{} { return o }
	cases := []struct {
		name  string
		q     r.Term
		want  r.WriteResponse
		first string // prefix of first_error
	}{
		{"insert new", tbl.Insert(map[string]interface{}{"id": "f"}), r.WriteResponse{Inserted: 1}, ""},
		{"insert duplicate", tbl.Insert(map[string]interface{}{"id": "a"}), r.WriteResponse{Errors: 1}, "Duplicate primary key `id`"},
		{"insert replace", tbl.Insert(map[string]interface{}{"id": "a", "x": 1}, r.InsertOpts{Conflict: "replace"}), r.WriteResponse{Replaced: 1}, ""},
		{"insert replace same", tbl.Insert(map[string]interface{}{"id": "a", "x": 1}, r.InsertOpts{Conflict: "replace"}), r.WriteResponse{Unchanged: 1}, ""},
		{"insert update merges", tbl.Insert(map[string]interface{}{"id": "a", "y": 2}, r.InsertOpts{Conflict: "update"}), r.WriteResponse{Replaced: 1}, ""},
		{"insert conflict function", tbl.Insert([]interface{}{map[string]interface{}{"id": "a"}, map[string]interface{}{"id": "g"}}, r.InsertOpts{Conflict: keepOld}), r.WriteResponse{Unchanged: 1, Inserted: 1}, ""},
		{"update missing row", tbl.Get("zz").Update(map[string]interface{}{"x": 1}), r.WriteResponse{Skipped: 1}, ""},
		{"update branch", tbl.Get("b").Update(func(row r.Term) interface{} {
			return r.Branch(row.Field("n").Lt(5), map[string]interface{}{"n": 5}, map[string]interface{}{})
		}), r.WriteResponse{Replaced: 1}, ""},
		{"update branch not taken", tbl.Get("b").Update(func(row r.Term) interface{} {
			return r.Branch(row.Field("n").Lt(5), map[string]interface{}{"n": 5}, map[string]interface{}{})
		}), r.WriteResponse{Unchanged: 1}, ""},
		{"update changing key", tbl.Get("b").Update(map[string]interface{}{"id": "q"}), r.WriteResponse{Errors: 1}, "Primary key `id` cannot be changed"},
		{"replace inserts", tbl.Get("h").Replace(map[string]interface{}{"id": "h"}), r.WriteResponse{Inserted: 1}, ""},
		{"delete selection", tbl.Filter(map[string]interface{}{"zone": "z2"}).Delete(), r.WriteResponse{Deleted: 2}, ""},
		{"delete missing", tbl.Get("zz").Delete(), r.WriteResponse{Skipped: 1}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got r.WriteResponse
			if err := one(t, sess, c.q, &got); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got.FirstError, c.first) || (c.first == "") != (got.FirstError == "") {
				t.Errorf("first_error %q, want prefix %q", got.FirstError, c.first)
			}
			got.FirstError = ""
			if got.Inserted != c.want.Inserted || got.Replaced != c.want.Replaced || got.Unchanged != c.want.Unchanged ||
				got.Deleted != c.want.Deleted || got.Skipped != c.want.Skipped || got.Errors != c.want.Errors {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
	var a map[string]interface{}
	if err := one(t, sess, tbl.Get("a"), &a); err != nil || a["x"] != 1.0 || a["y"] != 2.0 {
		t.Errorf("row a after the writes: %v, %v", a, err)
	}
	var n int
	if err := one(t, sess, tbl.Count(), &n); err != nil || n != 6 {
		t.Errorf("count %d (%v), want 6", n, err)
	}
}

func TestErrors(t *testing.T) {
	srv, sess := session(t)
	cases := []struct {
		name  string
		q     r.Term
		check func(error) bool
		msg   string
	}{
		{"missing table", r.Table("nope"), isType[r.RQLOpFailedError], "Table `test.nope` does not exist."},
		{"missing db", r.DB("nope").Table("t"), isType[r.RQLOpFailedError], "Database `nope` does not exist."},
		{"missing index", r.Table("t").GetAll(1).OptArgs(r.GetAllOpts{Index: "nope"}), isType[r.RQLOpFailedError], "Index `nope` was not found on table `test.t`."},
		{"missing field", r.Table("t").Get("e").Field("n"), isType[r.RQLNonExistenceError], "No attribute `n` in object"},
		{"table exists", r.TableCreate("t"), isType[r.RQLOpFailedError], "Table `test.t` already exists."},
		{"unknown term", r.Now(), isType[r.RQLCompileError], "rethinktest does not implement term NOW"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.q.Exec(sess)
			if err == nil || !c.check(err) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %T %v, want %q", err, err, c.msg)
			}
		})
	}
	srv.RefuseWrites(true)
	err := r.Table("t").Insert(map[string]interface{}{"id": "z"}).Exec(sess)
	if !isType[r.RQLOpFailedError](err) || !strings.Contains(err.Error(), "Cannot perform write") {
		t.Errorf("write while refusing: got %T %v", err, err)
	}
	if err := r.Table("t").Count().Exec(sess); err != nil {
		t.Errorf("read while refusing writes: %v", err)
	}
}

func isType[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

// TestChanges: a feed on a filtered table delivers inserts, updates and
// deletes of matching rows as {old_val, new_val}, and ends when closed.
func TestChanges(t *testing.T) {
	_, sess := session(t)
	cur, err := r.Table("t").Filter(map[string]interface{}{"zone": "z1"}).Changes().Run(sess)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, sess, r.Table("t").Insert(map[string]interface{}{"id": "x", "zone": "z2"})) // not matching
	mustExec(t, sess, r.Table("t").Insert(map[string]interface{}{"id": "y", "zone": "z1"})) // insert
	mustExec(t, sess, r.Table("t").Get("a").Update(map[string]interface{}{"n": 10}))        // update
	mustExec(t, sess, r.Table("t").Get("b").Update(map[string]interface{}{"zone": "z2"}))   // leaves
	mustExec(t, sess, r.Table("t").Get("d").Delete())                                       // delete
	want := []string{"<nil>→y", "a→a", "b→<nil>", "d→<nil>"}
	for i, w := range want {
		var ch struct {
			Old map[string]interface{} `rethinkdb:"old_val"`
			New map[string]interface{} `rethinkdb:"new_val"`
		}
		done := make(chan bool, 1)
		go func() { done <- cur.Next(&ch) }()
		select {
		case ok := <-done:
			if !ok {
				t.Fatalf("change %d: feed ended: %v", i, cur.Err())
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("change %d: nothing within 5s", i)
		}
		if got := idOf(ch.Old) + "→" + idOf(ch.New); got != w {
			t.Errorf("change %d: got %s, want %s", i, got, w)
		}
	}
	done := make(chan bool, 1)
	var ch map[string]interface{}
	go func() { done <- cur.Next(&ch) }()
	time.Sleep(50 * time.Millisecond)
	if err := cur.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case ok := <-done:
		if ok {
			t.Error("got a change after close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a pending Next did not end when the feed was closed")
	}
	// The connection still works after the feed stopped.
	if err := r.Table("t").Count().Exec(sess); err != nil {
		t.Errorf("query after closing the feed: %v", err)
	}
}

func idOf(m map[string]interface{}) string {
	if m == nil {
		return "<nil>"
	}
	s, _ := m["id"].(string)
	return s
}

// TestDropConnections: queries after a drop run on new connections.
func TestDropConnections(t *testing.T) {
	srv, sess := session(t)
	if srv.DropConnections() == 0 {
		t.Fatal("nothing to drop")
	}
	var n int
	if err := one(t, sess, r.Table("t").Count(), &n); err != nil || n != 5 {
		t.Fatalf("count after drop: %d, %v", n, err)
	}
}

// TestNoreply: a noreply write is applied, and NOREPLY_WAIT answers.
func TestNoreply(t *testing.T) {
	_, sess := session(t)
	if err := r.Table("t").Insert(map[string]interface{}{"id": "nr"}).Exec(sess, r.ExecOpts{NoReply: true}); err != nil {
		t.Fatal(err)
	}
	if err := sess.NoReplyWait(); err != nil {
		t.Fatal(err)
	}
	var row map[string]interface{}
	if err := one(t, sess, r.Table("t").Get("nr"), &row); err != nil || row["id"] != "nr" {
		t.Fatalf("noreply insert not applied: %v, %v", row, err)
	}
}
