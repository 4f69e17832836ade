package web

import (
	"encoding/base64"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
)

// Paging of GET /api/v1/monitors: encoding every monitor of a 10,000
// monitor account per request cost ~50 ms and made the p95 reach 463 ms,
// so a list is a page, ordered by id, walked with an opaque cursor (the
// last id of the page, so a page never repeats or skips a monitor that
// stays while others are added or deleted). The body stays a JSON array;
// the total and the next page travel in headers, as GitHub's API does.
const (
	monitorPageDefault = 100
	monitorPageMax     = 1000
	// cursorPrefix versions the cursor so its form can change later.
	cursorPrefix = "m1:"
)

// monitorPage is a parsed list request: the page starts after the
// monitor id after (or at offset, the older form).
type monitorPage struct {
	limit  int
	after  string
	offset int
}

func parseMonitorPage(c *fiber.Ctx) (monitorPage, error) {
	p := monitorPage{limit: monitorPageDefault}
	var errs engine.FieldErrors
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > monitorPageMax {
			errs.Add("limit", "must be a whole number from 1 to %d, not %q", monitorPageMax, v)
		}
		p.limit = n
	}
	cursor, offset := c.Query("cursor"), c.Query("offset")
	if cursor != "" {
		after, ok := decodeCursor(cursor)
		if !ok {
			errs.Add("cursor", "is not a cursor this API returned (pass X-Next-Cursor or follow the Link header)")
		}
		p.after = after
	}
	if offset != "" {
		n, err := strconv.Atoi(offset)
		switch {
		case err != nil || n < 0:
			errs.Add("offset", "must be a whole number from 0, not %q", offset)
		case cursor != "":
			errs.Add("offset", "give cursor or offset, not both")
		}
		p.offset = n
	}
	return p, errs.Err()
}

func encodeCursor(lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + lastID))
}

func decodeCursor(s string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", false
	}
	id, ok := strings.CutPrefix(string(b), cursorPrefix)
	return id, ok && id != ""
}

func (s *Server) listMonitors(c *fiber.Ctx) error {
	p, err := parseMonitorPage(c)
	if err != nil {
		return failErr(c, err)
	}
	sn, err := s.monitors.get(c.UserContext(), user(c).ID)
	if err != nil {
		return failErr(c, err)
	}
	all := sn.ms // ordered by id
	from := min(p.offset, len(all))
	if p.after != "" {
		from = sort.Search(len(all), func(i int) bool { return all[i].ID > p.after })
	}
	ms := all[from:min(len(all), from+p.limit)]
	c.Set("X-Total-Count", strconv.Itoa(len(all)))
	if len(ms) > 0 && from+len(ms) < len(all) {
		next := encodeCursor(ms[len(ms)-1].ID)
		c.Set("X-Next-Cursor", next)
		q := url.Values{"limit": {strconv.Itoa(p.limit)}, "cursor": {next}}
		c.Set("Link", "</api/v1/monitors?"+q.Encode()+`>; rel="next"`)
	}
	// One catalog read for the whole page: a host lists its plugins
	// under a lock.
	var plugins []host.PluginInfo
	if s.cfg.Catalog != nil {
		plugins = s.cfg.Catalog.Plugins()
	}
	out := make([]monitorView, len(ms))
	// The snapshot is shared: views are copies.
	for i := range ms {
		mf, _ := findManifest(plugins, abi.KindCheck, ms[i].Check, ms[i].Version)
		out[i] = s.viewMonitor(ms[i], maskConfig(ms[i].Config, mf.Config))
	}
	return c.JSON(out)
}
