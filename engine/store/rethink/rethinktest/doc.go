// Package rethinktest is an in-process RethinkDB wire-protocol server for
// tests. No RethinkDB package exists on the machines Runbook is built on, so
// the rethink store backend is tested through the real driver
// (gopkg.in/rethinkdb/rethinkdb-go.v6) against this server instead.
//
// It is a test double, never imported by non-test code.
//
// # What it speaks
//
//   - The V1_0 handshake with SCRAM-SHA-256 (RFC 7677) for one user, "admin",
//     with a configurable password. V0_4 and older handshakes are refused.
//   - The JSON query protocol: 8-byte little-endian token, 4-byte length,
//     JSON query; query types START, CONTINUE, STOP, NOREPLY_WAIT and
//     SERVER_INFO; the global optargs "db" and "noreply".
//   - These ReQL terms, with RethinkDB's semantics as far as the backend
//     relies on them (see terms.go for the dispatch table):
//     DATUM, MAKE_ARRAY, MAKE_OBJ (JSON object literals), VAR, FUNC, FUNCALL,
//     BRANCH, EQ, NE, LT, LE, GT, GE, NOT, AND, OR, GET_FIELD, BRACKET,
//     DEFAULT, MINVAL, MAXVAL, ASC, DESC,
//     DB, TABLE, GET, GET_ALL (index optarg), BETWEEN (index, left_bound,
//     right_bound), FILTER (object or function predicate), ORDER_BY (index
//     optarg and/or field names), LIMIT, COUNT,
//     INSERT (conflict "error", "replace", "update" or a function),
//     UPDATE, REPLACE, DELETE (on a single row or a selection),
//     DB_CREATE, DB_LIST, TABLE_CREATE (primary_key), TABLE_LIST,
//     INDEX_CREATE (field name or function), INDEX_LIST, INDEX_WAIT,
//     CHANGES on a table or a FILTER of a table (feeds pushed as
//     SUCCESS_PARTIAL responses noted SEQUENCE_FEED, one per CONTINUE).
//   - Errors with RethinkDB's response and error types and messages for the
//     cases the backend meets: missing db/table/index (OP_FAILED), duplicate
//     primary key (a write error in the result's first_error), missing
//     field (NON_EXISTENCE), unknown term (COMPILE_ERROR).
//
// # Faults it can inject
//
//   - RefuseWrites: every write term fails the way a RethinkDB whose primary
//     replica is unreachable fails it: RUNTIME_ERROR, OP_FAILED,
//     "Cannot perform write: primary replica for shard ["", +inf) not available".
//   - DropConnections: closes every open client connection (feeds included);
//     new connections are accepted as before.
//
// # What it does not cover
//
//   - Durability, replication, sharding, clusters, proxies, system tables
//     (the "rethinkdb" database), users other than admin, permissions, TLS.
//   - Batching: every sequence is returned whole in one SUCCESS_SEQUENCE;
//     CONTINUE is only meaningful for changefeeds.
//   - Feed options (squash, include_initial, include_states, include_types,
//     changefeed_queue_size); changes on GET, BETWEEN, GET_ALL, ORDER_BY.LIMIT.
//   - Indexes are evaluated by scanning the table on every query (no real
//     index structures); multi and geo indexes; r.row (IMPLICIT_VAR).
//   - Time, binary and geometry semantics: TIME pseudo-types compare by
//     epoch_time, nothing else about them is interpreted.
//   - Array size limits, write hooks, JavaScript, HTTP, and every term not in
//     the list above (answered with a COMPILE_ERROR naming the term).
package rethinktest
