package web

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/store"
)

// maxPluginUpload bounds a pushed module (a Go plugin is ~5 MB).
const maxPluginUpload = 32 << 20

// pluginUploadPaths are the routes allowed past cfg.BodyLimit: the API's
// and the admin page's plugin upload.
var pluginUploadPaths = map[string]bool{"/api/v1/admin/plugins": true, "/admin/plugins": true}

// limitBody holds every request but a plugin upload to cfg.BodyLimit.
// fiber's own limit is per server, and it must admit modules.
func (s *Server) limitBody(c *fiber.Ctx) error {
	if len(c.Body()) > s.cfg.BodyLimit && !(c.Method() == fiber.MethodPost && pluginUploadPaths[c.Path()]) {
		return fail(c, fiber.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("request body is larger than %d bytes", s.cfg.BodyLimit))
	}
	return c.Next()
}

func splitZones(v string) []string {
	var out []string
	for _, z := range strings.Split(v, ",") {
		if z = strings.TrimSpace(z); z != "" {
			out = append(out, z)
		}
	}
	return out
}

// checkZones names the unknown zones of a rollout: pushing to a typo would
// queue entries no bridge ever reads.
func (s *Server) checkZones(zones []string) error {
	var errs engine.FieldErrors
	if len(zones) == 0 {
		errs.Add("zones", "name the zones to roll out to (zones=a,b): a rollout goes zone by zone by choice")
	}
	for _, z := range zones {
		if !slices.Contains(s.cfg.Zones, z) {
			errs.Add("zones", "unknown zone %q (known: %v)", z, s.cfg.Zones)
		}
	}
	return errs.Err()
}

// apiAdminPlugins lists what runs where: every zone's current version of
// every pushed plugin, with its rollback history.
func (s *Server) apiAdminPlugins(c *fiber.Ctx) error {
	ds, err := s.cfg.Store.ListPluginDeployments(c.UserContext(), c.Query("zone"), c.Query("name"))
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(nonNil(ds))
}

// apiAdminPushPlugin takes a module (the raw .wasm as the body) and makes
// it current in the zones named, as `runbook plugin push` does: the module
// is inspected, refused with a reason if the host would refuse it, stored
// by digest and announced to the zones' queues.
func (s *Server) apiAdminPushPlugin(c *fiber.Ctx) error {
	zones := splitZones(c.Query("zones"))
	if err := s.checkZones(zones); err != nil {
		return failErr(c, err)
	}
	body := c.Body()
	if len(body) == 0 {
		return fail(c, fiber.StatusBadRequest, "invalid", "send the module's bytes as the body", fieldReason{"body", "is empty"})
	}
	o := s.pushOptions(zones, user(c).ID)
	if g := c.Query("grant"); g != "" {
		o.Grant = splitZones(g)
	}
	rep, err := rollout.Push(c.UserContext(), s.cfg.Store, append([]byte(nil), body...), o)
	var notReady *rollout.NotReadyError
	var notSwitched *rollout.NotSwitchedError
	switch {
	case err == nil:
	case errors.As(err, &notSwitched):
		// Promoted; some node has not confirmed yet. Say so with the report.
		s.log.Warn("plugin pushed; not every node confirmed the switch", "plugin", rep.Entry.Name, "err", err)
		return c.Status(fiber.StatusCreated).JSON(pushBody(rep, err))
	case errors.Is(err, store.ErrUnavailable):
		return failErr(c, err)
	case errors.Is(err, rollout.ErrPushInProgress):
		// Another push of the plugin holds it (or this one lost its lock):
		// nothing of this push changed anything; retry once it is done.
		return fail(c, fiber.StatusConflict, "push_in_progress", err.Error())
	case errors.As(err, &notReady):
		// Nothing promoted: a node of the zone is slow or stuck.
		return c.Status(fiber.StatusGatewayTimeout).JSON(pushBody(rep, err))
	default:
		// Everything else is the module's fault: not wasm, wrong ABI,
		// a capability not granted, refused by a node at prepare.
		return fail(c, fiber.StatusBadRequest, "invalid_plugin", err.Error(), fieldReason{"body", err.Error()})
	}
	s.log.Info("plugin pushed", "plugin", rep.Entry.Name, "version", rep.Entry.Version, "digest", rep.Entry.SHA256,
		"zones", zones, "user", user(c).ID, "prepare", rep.Prepare, "switch", rep.Switch)
	return c.Status(fiber.StatusCreated).JSON(pushBody(rep, nil))
}

// pushOptions: the host's compilation cache and every zone's Redis, so
// pushes inspect once and prepare on every node before promoting.
func (s *Server) pushOptions(zones []string, actor string) rollout.PushOptions {
	return rollout.PushOptions{Zones: zones, Actor: actor, Cache: s.cfg.PluginCache, Redis: s.cfg.ZoneRedis, Baseline: s.cfg.PluginBaseline}
}

// pushBody is a push's answer: the version's lock entry, and per zone
// whether it was prepared and promoted, with timings in (fractional)
// milliseconds; `runbook plugin push` prints it as it prints its own.
func pushBody(rep rollout.Report, err error) fiber.Map {
	type zone struct {
		Zone      string   `json:"zone"`
		Prepared  bool     `json:"prepared"`
		Promoted  bool     `json:"promoted"`
		Nodes     []string `json:"nodes"`
		PrepareMS float64  `json:"prepare_ms"`
		SwitchMS  float64  `json:"switch_ms"`
		Error     string   `json:"error,omitempty"`
		// Times is Nodes with when each was ready and serving it.
		Times []nodeTimes `json:"node_times"`
	}
	m := fiber.Map{"name": rep.Entry.Name, "version": rep.Entry.Version, "kind": rep.Entry.Kind, "abi": rep.Entry.ABI,
		"sha256": rep.Entry.SHA256, "capabilities": rep.Entry.Capabilities, "limits": rep.Entry.Limits,
		"inspect_ms": ms(rep.Inspect), "prepare_ms": ms(rep.Prepare), "switch_ms": ms(rep.Switch)}
	zs := []zone{}
	for _, z := range rep.Zones {
		zj := zone{Zone: z.Zone, Prepared: z.Prepared, Promoted: z.Promoted, Nodes: []string{},
			PrepareMS: ms(z.Prepare), SwitchMS: ms(z.Switch), Times: viewNodes(z.Nodes)}
		for _, n := range z.Nodes {
			zj.Nodes = append(zj.Nodes, n.Node)
		}
		if z.Err != nil {
			zj.Error = z.Err.Error()
		}
		zs = append(zs, zj)
	}
	m["zones"] = zs
	if err != nil {
		m["error"] = err.Error()
	}
	return m
}

// apiAdminRollbackPlugin returns a plugin to its previous version in the
// zones named (every zone running it when none is named) and, like
// `runbook plugin rollback`, waits for every live node of each zone whose
// Redis it has to serve that version: the answer says who switched and
// when. Nodes that did not switch in time give a 504 naming them; the
// rollback itself stands.
func (s *Server) apiAdminRollbackPlugin(c *fiber.Ctx) error {
	zones := splitZones(c.Query("zones"))
	if len(zones) > 0 {
		if err := s.checkZones(zones); err != nil {
			return failErr(c, err)
		}
	}
	name := c.Params("name")
	rolled, err := rollout.RollbackWait(c.UserContext(), s.cfg.Store, name,
		rollout.RollbackOptions{Zones: zones, Actor: user(c).ID, Redis: s.cfg.ZoneRedis, SwitchTimeout: s.cfg.SwitchTimeout})
	var notSwitched *rollout.NotSwitchedError
	switch {
	case err != nil && len(rolled) == 0:
		return failErr(c, err)
	case errors.As(err, &notSwitched):
		s.log.Warn("plugin rolled back; not every node confirmed the switch", "plugin", name, "err", err)
		return c.Status(fiber.StatusGatewayTimeout).JSON(rollbackBody(rolled, err))
	case err != nil:
		// Some zones rolled back: say which, and what stopped the rest.
		return c.Status(fiber.StatusMultiStatus).JSON(rollbackBody(rolled, err))
	}
	s.log.Info("plugin rolled back", "plugin", name, "zones", zones, "user", user(c).ID)
	return c.JSON(rollbackBody(rolled, nil))
}

// nodeTimes is one node of a push or rollback answer; times are
// fractional milliseconds so a sub-millisecond switch is not "0".
type nodeTimes struct {
	Node       string  `json:"node"`
	ReadyMS    float64 `json:"ready_ms,omitempty"`
	SwitchedMS float64 `json:"switched_ms,omitempty"`
	Refused    string  `json:"refused,omitempty"`
}

func viewNodes(ns []rollout.NodeReport) []nodeTimes {
	out := []nodeTimes{}
	for _, n := range ns {
		out = append(out, nodeTimes{Node: n.Node, ReadyMS: ms(n.Ready), SwitchedMS: ms(n.Switched), Refused: n.Refused})
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// rollbackBody: per zone, the versions, whether its nodes were waited for
// (the web has the zone's Redis), who switched and when, and the zone's
// error when its switch is unconfirmed.
func rollbackBody(rolled []rollout.Rolled, err error) fiber.Map {
	type zone struct {
		Zone     string                 `json:"zone"`
		From     store.PluginVersionRef `json:"from"`
		To       store.PluginVersionRef `json:"to"`
		Waited   bool                   `json:"waited"`
		Nodes    []nodeTimes            `json:"nodes"`
		SwitchMS float64                `json:"switch_ms"`
		Error    string                 `json:"error,omitempty"`
	}
	zs := []zone{}
	for _, r := range rolled {
		z := zone{Zone: r.Zone, From: r.From, To: r.To, Waited: r.Waited, Nodes: viewNodes(r.Nodes), SwitchMS: ms(r.Switch)}
		if r.Err != nil {
			z.Error = r.Err.Error()
		}
		zs = append(zs, z)
	}
	m := fiber.Map{"rolled": zs}
	if err != nil {
		m["error"] = err.Error()
	}
	return m
}

// pageAdminPushPlugin is the admin page's upload form: the same push as
// the API, errors shown on the form's fields.
func (s *Server) pageAdminPushPlugin(c *fiber.Ctx) error {
	zones := splitZones(c.FormValue("zones"))
	if err := s.checkZones(zones); err != nil {
		return s.renderAdmin(c, fiber.StatusBadRequest, err)
	}
	fh, err := c.FormFile("module")
	if err != nil {
		return s.renderAdmin(c, fiber.StatusBadRequest, &engine.FieldError{Field: "module", Reason: "choose the .wasm file to push"})
	}
	f, err := fh.Open()
	if err != nil {
		return s.renderAdmin(c, fiber.StatusBadRequest, &engine.FieldError{Field: "module", Reason: err.Error()})
	}
	defer f.Close()
	wasm, err := io.ReadAll(io.LimitReader(f, maxPluginUpload+1))
	if err != nil || len(wasm) > maxPluginUpload {
		return s.renderAdmin(c, fiber.StatusBadRequest, &engine.FieldError{Field: "module", Reason: fmt.Sprintf("must be a readable file of at most %d MiB", maxPluginUpload>>20)})
	}
	rep, err := rollout.Push(c.UserContext(), s.cfg.Store, wasm, s.pushOptions(zones, user(c).ID))
	var notSwitched *rollout.NotSwitchedError
	if err != nil && !errors.As(err, &notSwitched) {
		status := fiber.StatusBadRequest
		if errors.Is(err, rollout.ErrPushInProgress) {
			status = fiber.StatusConflict
		}
		return s.renderAdmin(c, status, &engine.FieldError{Field: "module", Reason: err.Error()})
	}
	e := rep.Entry
	s.log.Info("plugin pushed", "plugin", e.Name, "version", e.Version, "digest", e.SHA256, "zones", zones, "user", user(c).ID,
		"prepare", rep.Prepare, "switch", rep.Switch, "err", err)
	return c.Redirect("/admin#plugins", fiber.StatusSeeOther)
}

// pageAdminRollbackPlugin is the admin page's rollback button; it waits
// for the nodes as the API does, and a node slow to switch is logged (the
// rollback stands) rather than shown as a failure.
func (s *Server) pageAdminRollbackPlugin(c *fiber.Ctx) error {
	name := c.Params("name")
	_, err := rollout.RollbackWait(c.UserContext(), s.cfg.Store, name, rollout.RollbackOptions{
		Zones: splitZones(c.FormValue("zones")), Actor: user(c).ID, Redis: s.cfg.ZoneRedis, SwitchTimeout: s.cfg.SwitchTimeout})
	var notSwitched *rollout.NotSwitchedError
	if errors.As(err, &notSwitched) {
		s.log.Warn("plugin rolled back; not every node confirmed the switch", "plugin", name, "err", err)
	} else if err != nil {
		return s.renderAdmin(c, statusOf(err), &engine.FieldError{Field: "module", Reason: err.Error()})
	}
	return c.Redirect("/admin#plugins", fiber.StatusSeeOther)
}
