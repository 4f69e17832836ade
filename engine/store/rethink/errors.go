package rethink

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine/store"
)

// wrap names what was being done and classifies err: the caller's own
// context ending is reported as such, an unreachable or write-refusing
// server as store.ErrUnavailable, anything else as it is.
func wrap(ctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%s: %w", what, cerr)
	}
	if unavailable(err) {
		return fmt.Errorf("%s: %w: %w", what, store.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// unavailable reports whether err means the server is gone or cannot take
// the write right now, as opposed to a bad query.
func unavailable(err error) bool {
	switch err.(type) {
	case r.RQLConnectionError, r.RQLAvailabilityError, r.RQLOpFailedError,
		r.RQLOpIndeterminateError, r.RQLTimeoutError:
		return true
	}
	for _, e := range []error{r.ErrConnectionClosed, r.ErrNoConnections, r.ErrNoConnectionsStarted,
		r.ErrQueryTimeout, r.ErrInvalidNode, r.ErrNoHosts} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return errors.Is(err, errWriteRefused)
}

// errWriteRefused marks a write result whose documents failed because the
// server could not perform the write (as opposed to a duplicate key).
var errWriteRefused = errors.New("write refused")

// writeError turns the errors a write result reports into an error.
func writeError(res r.WriteResponse) error {
	if res.Errors == 0 {
		return nil
	}
	if strings.HasPrefix(res.FirstError, "Cannot perform write") {
		return fmt.Errorf("%w: %d documents: %s", errWriteRefused, res.Errors, res.FirstError)
	}
	return fmt.Errorf("%d documents failed: %s", res.Errors, res.FirstError)
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
