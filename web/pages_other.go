package web

import (
	"embed"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/abi"
)

// Reactions.

func (s *Server) pageReactions(c *fiber.Ctx) error {
	rs, err := s.cfg.Store.ListReactions(c.UserContext(), user(c).ID)
	if err != nil {
		return s.render(c, fiber.StatusServiceUnavailable, "reactions.html", page{"Error": err.Error()})
	}
	return s.render(c, fiber.StatusOK, "reactions.html", page{"Reactions": rs})
}

func (s *Server) reactionForm(c *fiber.Ctx, status int, r engine.Reaction, isNew bool, err error) error {
	errs, msg := fieldMap(err)
	mf, _ := s.manifest(abi.KindReaction, r.Plugin, r.Version)
	inputs := markSecretInputs(configInputs(mf.Config, r.Config, errs), r.Config, s.secretNames(r.SealedSecrets))
	r.SealedSecrets = ""
	return s.render(c, status, "reaction_form.html", page{
		"R": r, "New": isNew, "Errors": errs, "Error": msg, "Plugins": s.pluginList(abi.KindReaction),
		"Manifest": mf, "Inputs": inputs,
	})
}

func (s *Server) pageReactionNew(c *fiber.Ctx) error {
	r := engine.Reaction{Plugin: c.Query("plugin"), Trigger: 1, CallOn: engine.CallOnFailed, Enabled: true, Timeout: engine.Duration(engine.DefaultTimeout)}
	if r.Plugin == "" {
		if ps := s.pluginList(abi.KindReaction); len(ps) > 0 {
			r.Plugin = ps[0].Name
		}
	}
	return s.reactionForm(c, fiber.StatusOK, r, true, nil)
}

func (s *Server) readReactionForm(c *fiber.Ctx) (engine.Reaction, map[string]string, engine.FieldErrors) {
	var errs engine.FieldErrors
	var secrets map[string]string
	r := engine.Reaction{
		ID: strings.TrimSpace(c.FormValue("id")), Name: strings.TrimSpace(c.FormValue("name")), Plugin: c.FormValue("plugin"),
		CallOn: engine.CallOn(c.FormValue("call_on")), Enabled: c.FormValue("enabled") == "on",
	}
	if v := c.FormValue("trigger"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs.Add("trigger", "must be a whole number")
		}
		r.Trigger = n
	}
	for _, d := range []struct {
		field string
		dst   *engine.Duration
	}{{"frequency", &r.Frequency}, {"timeout", &r.Timeout}} {
		if v := strings.TrimSpace(c.FormValue(d.field)); v != "" {
			if err := d.dst.UnmarshalJSON([]byte(strconv.Quote(v))); err != nil {
				errs.Add(d.field, "must be a duration like 30s or 5m")
			}
		}
	}
	if mf, ok := s.manifest(abi.KindReaction, r.Plugin, ""); ok {
		cfg, ferrs := readConfig(c, mf.Config)
		r.Config = cfg
		secrets = readSecretsForm(c, mf.Config, cfg)
		errs = append(errs, ferrs...)
	} else {
		errs.Add("plugin", "unknown reaction plugin %q", r.Plugin)
	}
	return r, secrets, errs
}

func (s *Server) pageReactionCreate(c *fiber.Ctx) error {
	r, secrets, errs := s.readReactionForm(c)
	if len(errs) > 0 {
		return s.reactionForm(c, fiber.StatusBadRequest, r, true, errs)
	}
	if _, err := s.createReactionOp(c.UserContext(), user(c), r, secrets); err != nil {
		return s.reactionForm(c, statusOf(err), r, true, err)
	}
	return c.Redirect("/reactions", fiber.StatusSeeOther)
}

func (s *Server) pageReactionEdit(c *fiber.Ctx) error {
	r, err := s.ownReactionID(c.UserContext(), user(c), c.Params("id"))
	if err != nil {
		return s.notFoundPage(c, err)
	}
	sealed := r.SealedSecrets
	r = s.maskReaction(r)
	r.SealedSecrets = sealed // reactionForm lists its names, then drops it
	return s.reactionForm(c, fiber.StatusOK, r, false, nil)
}

func (s *Server) pageReactionUpdate(c *fiber.Ctx) error {
	old, err := s.ownReactionID(c.UserContext(), user(c), c.Params("id"))
	if err != nil {
		return s.notFoundPage(c, err)
	}
	r, secrets, errs := s.readReactionForm(c)
	r.ID, r.SealedSecrets = old.ID, old.SealedSecrets
	if len(errs) > 0 {
		return s.reactionForm(c, fiber.StatusBadRequest, r, false, errs)
	}
	if _, err := s.updateReactionOp(c.UserContext(), user(c), old.ID, r, secrets); err != nil {
		return s.reactionForm(c, statusOf(err), r, false, err)
	}
	return c.Redirect("/reactions", fiber.StatusSeeOther)
}

func (s *Server) pageReactionDelete(c *fiber.Ctx) error {
	if err := s.deleteReactionOp(c.UserContext(), user(c), c.Params("id")); err != nil {
		return s.notFoundPage(c, err)
	}
	return c.Redirect("/reactions", fiber.StatusSeeOther)
}

// Status page settings.

func (s *Server) pageStatusPageSettings(c *fiber.Ctx) error {
	return s.renderStatusSettings(c, fiber.StatusOK, nil)
}

func (s *Server) renderStatusSettings(c *fiber.Ctx, status int, err error) error {
	p, perr := s.statusPage(c.UserContext(), user(c).ID)
	var ms []engine.Monitor
	if sn, err := s.monitors.get(c.UserContext(), user(c).ID); err == nil {
		ms = sn.ms
	}
	errs, msg := fieldMap(err)
	v, verr := s.viewStatusPage(c.UserContext(), p)
	if perr != nil || verr != nil {
		msg = errors.Join(perr, verr).Error()
	}
	if sl := c.FormValue("slug"); err != nil && sl != "" {
		v.Slug = sl // show what was typed beside its error
	}
	return s.render(c, status, "statuspage.html", page{"P": v, "Monitors": ms, "Errors": errs, "Error": msg})
}

func (s *Server) pageStatusPageSave(c *fiber.Ctx) error {
	slug := strings.TrimSpace(c.FormValue("slug"))
	in := statusPageInput{Title: c.FormValue("title"), Public: c.FormValue("public") == "on", Monitors: formList(c, "monitors"), Slug: &slug}
	if _, err := s.saveStatusPage(c.UserContext(), user(c), in); err != nil {
		return s.renderStatusSettings(c, statusOf(err), err)
	}
	return c.Redirect("/statuspage", fiber.StatusSeeOther)
}

// Admin.

func (s *Server) pageAdmin(c *fiber.Ctx) error { return s.renderAdmin(c, fiber.StatusOK, nil) }

func (s *Server) renderAdmin(c *fiber.Ctx, status int, err error) error {
	us, uerr := s.cfg.Store.ListUsers(c.UserContext())
	ps, perr := s.plans(c.UserContext())
	errs, msg := fieldMap(err)
	if uerr != nil || perr != nil {
		msg = "store unavailable"
	}
	views := make([]userView, 0, len(us))
	for _, u := range us {
		views = append(views, viewUser(u))
	}
	deployments, derr := s.cfg.Store.ListPluginDeployments(c.UserContext(), "", "")
	if derr != nil {
		msg = "store unavailable"
	}
	return s.render(c, status, "admin.html", page{"Users": views, "Plans": ps, "Plugins": deployments, "Zones": s.cfg.Zones, "Errors": errs, "Error": msg})
}

func (s *Server) pageAdminSetPlan(c *fiber.Ctx) error {
	if _, err := s.setUserPlan(c, c.Params("id"), c.FormValue("plan")); err != nil {
		return s.renderAdmin(c, statusOf(err), err)
	}
	return c.Redirect("/admin", fiber.StatusSeeOther)
}

func (s *Server) pageAdminPutPlan(c *fiber.Ctx) error {
	p := store.Plan{ID: strings.TrimSpace(c.FormValue("id")), Name: strings.TrimSpace(c.FormValue("name"))}
	var errs engine.FieldErrors
	p.MaxMonitors, _ = strconv.Atoi(c.FormValue("max_monitors", "0"))
	p.MaxReactions, _ = strconv.Atoi(c.FormValue("max_reactions", "0"))
	if v := c.FormValue("min_interval"); v != "" {
		if err := p.MinInterval.UnmarshalJSON([]byte(strconv.Quote(v))); err != nil {
			errs.Add("min_interval", "must be a duration like 30s")
		}
	}
	if err := p.Validate(); err != nil {
		fes, _ := engine.AsFieldErrors(err)
		errs = append(errs, fes...)
	}
	if len(errs) > 0 {
		return s.renderAdmin(c, fiber.StatusBadRequest, errs)
	}
	if err := s.putPlan(c, p); err != nil {
		return s.renderAdmin(c, statusOf(err), err)
	}
	return c.Redirect("/admin?plan="+url.QueryEscape(p.ID), fiber.StatusSeeOther)
}

// Static assets: one small script and one stylesheet, embedded.

//go:embed static
var staticFS embed.FS

var startedAt = time.Now().UTC()

func (s *Server) static(c *fiber.Ctx) error {
	name := c.Params("file")
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		return fiber.ErrNotFound
	}
	switch {
	case strings.HasSuffix(name, ".js"):
		c.Type("js", "utf-8")
	case strings.HasSuffix(name, ".css"):
		c.Type("css", "utf-8")
	}
	c.Set("Cache-Control", "public, max-age=300")
	c.Set("Last-Modified", startedAt.Format(time.RFC1123))
	return c.Send(b)
}
