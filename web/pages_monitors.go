package web

import (
	"encoding/json"
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

// monitorForm renders the create/edit form for m, with field errors.
func (s *Server) monitorForm(c *fiber.Ctx, status int, m engine.Monitor, isNew bool, err error) error {
	errs, msg := fieldMap(err)
	mf, _ := s.manifest(abi.KindCheck, m.Check, m.Version)
	inputs := markSecretInputs(configInputs(mf.Config, m.Config, errs), m.Config, s.secretNames(m.SealedSecrets))
	m.SealedSecrets = "" // pages show names, never the sealed value
	rs, _ := s.cfg.Store.ListReactions(c.UserContext(), user(c).ID)
	p, _ := s.plan(c.UserContext(), user(c).Plan)
	return s.render(c, status, "monitor_form.html", page{
		"M": m, "New": isNew, "Errors": errs, "Error": msg, "Checks": s.pluginList(abi.KindCheck),
		"Manifest": mf, "Inputs": inputs, "Zones": s.cfg.Zones,
		"Reactions": rs, "Plan": p,
	})
}

func (s *Server) pageMonitorNew(c *fiber.Ctx) error {
	m := engine.Monitor{Kind: engine.MonitorKind(c.Query("kind", string(engine.KindScheduled))), Check: c.Query("check"),
		Interval: engine.Duration(time.Minute), Timeout: engine.Duration(engine.DefaultTimeout)}
	if m.Check == "" && m.Kind == engine.KindScheduled {
		if cs := s.pluginList(abi.KindCheck); len(cs) > 0 {
			m.Check = cs[0].Name
		}
	}
	if len(s.cfg.Zones) > 0 {
		m.Zones = []string{s.cfg.Zones[0]}
	}
	return s.monitorForm(c, fiber.StatusOK, m, true, nil)
}

// readMonitorForm builds a monitor from the posted form; field errors of
// the form itself (a bad duration) come back with the monitor.
func (s *Server) readMonitorForm(c *fiber.Ctx) (engine.Monitor, map[string]string, engine.FieldErrors) {
	var secrets map[string]string
	var errs engine.FieldErrors
	m := engine.Monitor{
		ID: strings.TrimSpace(c.FormValue("id")), Name: strings.TrimSpace(c.FormValue("name")),
		Kind: engine.MonitorKind(c.FormValue("kind")), Check: c.FormValue("check"),
		Zones: formList(c, "zones"), Reactions: formList(c, "reactions"),
	}
	for _, d := range []struct {
		field string
		dst   *engine.Duration
	}{{"interval", &m.Interval}, {"timeout", &m.Timeout}, {"grace", &m.Grace}} {
		if v := strings.TrimSpace(c.FormValue(d.field)); v != "" {
			if err := d.dst.UnmarshalJSON([]byte(strconv.Quote(v))); err != nil {
				errs.Add(d.field, "must be a duration like 30s or 5m")
			}
		}
	}
	if v := c.FormValue("quorum"); v != "" {
		m.Quorum, _ = strconv.Atoi(v)
	}
	if len(errs) > 0 {
		// Report the monitor's own problems in the same round trip.
		v := m
		if v.ID == "" {
			v.ID = "placeholder"
		}
		v.Normalize()
		if fes, ok := engine.AsFieldErrors(v.Validate()); ok {
			for _, fe := range fes {
				if fe.Field != "interval" && fe.Field != "timeout" && fe.Field != "grace" {
					errs = append(errs, fe)
				}
			}
		}
	}
	if m.Kind == engine.KindScheduled {
		mf, ok := s.manifest(abi.KindCheck, m.Check, "")
		if ok {
			cfg, ferrs := readConfig(c, mf.Config)
			m.Config = cfg
			secrets = readSecretsForm(c, mf.Config, cfg)
			errs = append(errs, ferrs...)
		} else if m.Check != "" {
			errs.Add("check", "unknown check plugin %q", m.Check)
		}
	} else {
		m.Check = ""
	}
	return m, secrets, errs
}

func (s *Server) pageMonitorCreate(c *fiber.Ctx) error {
	m, secrets, errs := s.readMonitorForm(c)
	if len(errs) > 0 {
		return s.monitorForm(c, fiber.StatusBadRequest, m, true, errs)
	}
	out, err := s.createMonitorOp(c.UserContext(), user(c), m, secrets)
	if err != nil {
		return s.monitorForm(c, statusOf(err), m, true, err)
	}
	if out.Webhook != nil {
		return s.renderMonitor(c, out.Monitor, out.Webhook)
	}
	return c.Redirect("/monitors/"+url.PathEscape(out.ID), fiber.StatusSeeOther)
}

func (s *Server) pageMonitorEdit(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return s.notFoundPage(c, err)
	}
	m.Config = s.maskMonitorConfig(m)
	return s.monitorForm(c, fiber.StatusOK, m, false, nil)
}

func (s *Server) pageMonitorUpdate(c *fiber.Ctx) error {
	old, err := s.ownMonitor(c)
	if err != nil {
		return s.notFoundPage(c, err)
	}
	m, secrets, errs := s.readMonitorForm(c)
	m.ID, m.Paused, m.Silences, m.SealedSecrets = old.ID, old.Paused, old.Silences, old.SealedSecrets
	if len(errs) > 0 {
		return s.monitorForm(c, fiber.StatusBadRequest, m, false, errs)
	}
	out, err := s.updateMonitorOp(c.UserContext(), user(c), old.ID, m, secrets)
	if err != nil {
		return s.monitorForm(c, statusOf(err), m, false, err)
	}
	if out.Webhook != nil {
		return s.renderMonitor(c, out.Monitor, out.Webhook)
	}
	return c.Redirect("/monitors/"+url.PathEscape(old.ID), fiber.StatusSeeOther)
}

func (s *Server) pageMonitorDelete(c *fiber.Ctx) error {
	if err := s.deleteMonitorOp(c.UserContext(), user(c), c.Params("id")); err != nil {
		return s.notFoundPage(c, err)
	}
	return c.Redirect("/?flash=Monitor+deleted.", fiber.StatusSeeOther)
}

func (s *Server) pagePause(c *fiber.Ctx) error  { return s.pageSetPaused(c, true) }
func (s *Server) pageResume(c *fiber.Ctx) error { return s.pageSetPaused(c, false) }

func (s *Server) pageSetPaused(c *fiber.Ctx, paused bool) error {
	if _, err := s.setPaused(c.UserContext(), user(c), c.Params("id"), paused); err != nil {
		return s.notFoundPage(c, err)
	}
	return c.Redirect(back(c, "/monitors/"+url.PathEscape(c.Params("id"))), fiber.StatusSeeOther)
}

func (s *Server) pageMark(c *fiber.Ctx) error {
	if _, err := s.markOp(c, markInput{Status: engine.Status(c.FormValue("status")), Message: c.FormValue("message")}); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return s.notFoundPage(c, err)
		}
		return c.Status(statusOf(err)).SendString(err.Error())
	}
	return c.Redirect(back(c, "/monitors/"+url.PathEscape(c.Params("id"))), fiber.StatusSeeOther)
}

// back returns the local page the form came from, else def. Only paths
// are accepted, so it cannot redirect elsewhere.
func back(c *fiber.Ctx, def string) string {
	if r := c.FormValue("back"); strings.HasPrefix(r, "/") && !strings.HasPrefix(r, "//") {
		return r
	}
	return def
}

func (s *Server) pageMonitor(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return s.notFoundPage(c, err)
	}
	return s.renderMonitor(c, m, nil)
}

const historyPage = 50

func (s *Server) renderMonitor(c *fiber.Ctx, m engine.Monitor, issued *webhookIssued) error {
	ctx := c.UserContext()
	q := store.HistoryQuery{Limit: historyPage + 1}
	if b := c.Query("before"); b != "" {
		if t, err := time.Parse(time.RFC3339Nano, b); err == nil {
			q.Before = t
		}
	}
	hist, err := s.cfg.Store.History(ctx, m.ID, q)
	if err != nil {
		return s.render(c, fiber.StatusServiceUnavailable, "monitor.html", page{"M": m, "Error": err.Error()})
	}
	next := ""
	if len(hist) > historyPage {
		hist = hist[:historyPage]
		last := hist[len(hist)-1]
		next = last.Time().UTC().Format(time.RFC3339Nano)
	}
	now := time.Now()
	tl, _ := s.timeline(ctx, m.ID, now)
	span, d := chartRange(c.Query("range"))
	zr, _ := s.zoneResults(ctx, m)
	evs, _ := s.cfg.Store.Events(ctx, m.ID, 20)
	logs, _ := s.cfg.Store.ReactionLogs(ctx, m.ID, 50)
	w, _, _ := s.ownWebhookFor(c, m)
	reactionNames := map[string]string{}
	if rs, err := s.cfg.Store.ListReactions(ctx, user(c).ID); err == nil {
		for _, r := range rs {
			reactionNames[r.ID] = r.Name
		}
	}
	m.Config = s.maskMonitorConfig(m)
	cfg, _ := json.MarshalIndent(json.RawMessage(m.Config), "", "  ")
	return s.render(c, fiber.StatusOK, "monitor.html", page{
		"M": m, "History": hist, "Next": next, "Uptime": tl.windows, "Chart": responseChart(chartPoints(tl, now, d), span), "Span": span,
		"Zones": zr, "Events": evs, "Logs": logs, "Issued": issued, "Webhook": w, "Config": string(cfg),
		"ReactionNames": reactionNames, "Now": time.Now().UTC(),
	})
}

func (s *Server) ownWebhookFor(c *fiber.Ctx, m engine.Monitor) (*webhookSettings, store.WebhookSecret, error) {
	if m.Kind == engine.KindScheduled {
		return nil, store.WebhookSecret{}, nil
	}
	w, err := s.cfg.Store.GetWebhookSecret(c.UserContext(), m.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, w, err
	}
	v := s.webhookView(m, w)
	return &v, w, nil
}

func (s *Server) pageAddSilence(c *fiber.Ctx) error {
	si := engine.Silence{Reason: c.FormValue("reason"), From: c.FormValue("from"), Location: c.FormValue("location")}
	var errs engine.FieldErrors
	parseLocal := func(field string) time.Time {
		v := c.FormValue(field)
		if v == "" {
			return time.Time{}
		}
		loc, err := time.LoadLocation(firstNonEmpty(si.Location, "UTC"))
		if err != nil {
			loc = time.UTC
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", v, loc)
		if err != nil {
			errs.Add("silence."+field, "must be a date and time")
		}
		return t.UTC()
	}
	si.Start, si.End = parseLocal("start"), parseLocal("end")
	if v := c.FormValue("duration"); v != "" {
		if err := si.Duration.UnmarshalJSON([]byte(strconv.Quote(v))); err != nil {
			errs.Add("silence.duration", "must be a duration like 2h")
		}
	}
	for _, d := range formList(c, "weekdays") {
		n, err := strconv.Atoi(d)
		if err == nil && n >= 0 && n <= 6 {
			si.Weekdays = append(si.Weekdays, time.Weekday(n))
		}
	}
	var err error
	if len(errs) > 0 {
		err = errs
	} else {
		_, err = s.addSilence(c, si)
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return s.notFoundPage(c, err)
		}
		fe, msg := fieldMap(err)
		var parts []string
		for k, v := range fe {
			parts = append(parts, k+": "+v)
		}
		if len(parts) > 0 {
			msg = strings.Join(parts, "; ")
		}
		return c.Redirect("/monitors/"+url.PathEscape(c.Params("id"))+"?silence_error="+url.QueryEscape(msg)+"#silences", fiber.StatusSeeOther)
	}
	return c.Redirect("/monitors/"+url.PathEscape(c.Params("id"))+"#silences", fiber.StatusSeeOther)
}

func (s *Server) pageDeleteSilence(c *fiber.Ctx) error {
	if err := s.deleteSilence(c); err != nil {
		return s.notFoundPage(c, err)
	}
	return c.Redirect("/monitors/"+url.PathEscape(c.Params("id"))+"#silences", fiber.StatusSeeOther)
}

func (s *Server) pageRotateWebhook(c *fiber.Ctx) error {
	w, err := s.rotateWebhook(c)
	if err != nil {
		return s.notFoundPage(c, err)
	}
	m, err := s.ownMonitor(c)
	if err != nil {
		return s.notFoundPage(c, err)
	}
	return s.renderMonitor(c, m, w)
}

func (s *Server) pagePutWebhook(c *fiber.Ctx) error {
	in := webhookSecretsInput{}
	for name, dst := range map[string]**string{
		"pagerduty_secret": &in.PagerDutySecret, "slack_signing_secret": &in.SlackSigningSecret,
		"slack_token": &in.SlackToken, "travis_public_key": &in.TravisPublicKey,
	} {
		// An empty input keeps the stored secret; "clear" checkboxes
		// remove it.
		if v := strings.TrimSpace(c.FormValue(name)); v != "" {
			*dst = &v
		} else if c.FormValue("clear_"+name) == "on" {
			empty := ""
			*dst = &empty
		}
	}
	if _, err := s.putWebhookSecrets(c, in); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return s.notFoundPage(c, err)
		}
		return c.Redirect("/monitors/"+url.PathEscape(c.Params("id"))+"?webhook_error="+url.QueryEscape(err.Error())+"#webhook", fiber.StatusSeeOther)
	}
	return c.Redirect("/monitors/"+url.PathEscape(c.Params("id"))+"#webhook", fiber.StatusSeeOther)
}

func (s *Server) notFoundPage(c *fiber.Ctx, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return s.render(c, fiber.StatusNotFound, "notfound.html", nil)
	}
	return s.render(c, fiber.StatusServiceUnavailable, "notfound.html", page{"Error": err.Error()})
}

// statusOf is the HTTP status a form error gets.
func statusOf(err error) int {
	var le *limitError
	switch {
	case errors.As(err, &le):
		return fiber.StatusForbidden
	case errors.Is(err, store.ErrConflict):
		return fiber.StatusConflict
	case errors.Is(err, store.ErrNotFound):
		return fiber.StatusNotFound
	case errors.Is(err, store.ErrUnavailable):
		return fiber.StatusServiceUnavailable
	}
	if _, ok := engine.AsFieldErrors(err); ok {
		return fiber.StatusBadRequest
	}
	return fiber.StatusInternalServerError
}
