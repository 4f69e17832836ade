package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
)

//go:embed templates/*.html
var templateFS embed.FS

var funcs = template.FuncMap{
	"lower": strings.ToLower,
	"ago": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		d := time.Since(t).Round(time.Second)
		if d < time.Minute {
			return d.String() + " ago"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"ts":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") },
	"pct":  func(p *float64) string { return pctString(p) },
	"has":  contains,
	"list": func(xs ...string) []string { return xs },
	"join": strings.Join,
	"field": func(errs map[string]string, name string) string {
		return errs[name]
	},
	"weekday": func(ws []time.Weekday) string {
		if len(ws) == 0 {
			return "every day"
		}
		parts := make([]string, len(ws))
		for i, w := range ws {
			parts[i] = w.String()[:3]
		}
		return strings.Join(parts, ", ")
	},
}

var pages = template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))

func pctString(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.3g%%", *p)
}

// page is what every template gets: who is looking and the CSRF token
// every form must carry.
type page map[string]any

// dashboardRows is how many monitors one dashboard page lists.
const dashboardRows = 100

func (s *Server) render(c *fiber.Ctx, status int, name string, data page) error {
	if data == nil {
		data = page{}
	}
	if u := user(c); u.ID != "" {
		data["Me"] = u
		data["CSRF"] = session(c).CSRF
	} else if name == "login.html" || name == "signup.html" {
		data["CSRF"] = s.preCSRF(c) // no session yet: precsrf.go
	}
	if _, ok := data["Errors"]; !ok {
		data["Errors"] = map[string]string{}
	}
	// Render to a buffer first so a template error is a clean 500, not a
	// half-written page.
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("rendering page", "page", name, "err", err)
		return c.Status(fiber.StatusInternalServerError).SendString("page failed to render")
	}
	c.Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Status(status).Type("html", "utf-8").Send(buf.Bytes())
}

// pageIndex is the dashboard, or the login page for visitors.
func (s *Server) pageIndex(c *fiber.Ctx) error {
	u, se, ok := s.sessionUser(c)
	if !ok {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	c.Locals(localUser, u)
	c.Locals(localSession, se)
	sn, err := s.monitors.get(c.UserContext(), u.ID)
	if err != nil {
		return s.render(c, fiber.StatusServiceUnavailable, "index.html", page{"Error": err.Error()})
	}
	ms := sn.ms
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	state := c.Query("state")
	shown := ms
	if q != "" || state != "" {
		shown = nil
		for i, m := range ms {
			if q != "" && !strings.Contains(sn.search[i], q) {
				continue
			}
			if state != "" && string(m.Status) != state && !(state == "paused" && m.Paused) {
				continue
			}
			shown = append(shown, m)
		}
	}
	// A page of rows: thousands of table rows help nobody and cost the
	// browser more than the server; counts and search cover them all.
	pg := max(1, c.QueryInt("page", 1))
	pages := max(1, (len(shown)+dashboardRows-1)/dashboardRows)
	pg = min(pg, pages)
	matched := len(shown)
	shown = shown[(pg-1)*dashboardRows : min(len(shown), pg*dashboardRows)]
	evs, _ := s.recentEventsOf(c, ms, 10)
	return s.render(c, fiber.StatusOK, "index.html", page{
		"Monitors": shown, "Summary": sn.summary, "Q": c.Query("q"), "State": state,
		"Events": evs, "Flash": c.Query("flash"), "Page": pg, "Pages": pages, "Matched": matched,
		"PrevPage": pg - 1, "NextPage": pg + 1,
	})
}

func (s *Server) pageLoginForm(c *fiber.Ctx) error {
	if _, _, ok := s.sessionUser(c); ok {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, "login.html", page{"Signup": !s.cfg.DisableSignup})
}

func (s *Server) pageLogin(c *fiber.Ctx) error {
	u, err := s.authenticate(c.UserContext(), c.FormValue("email"), c.FormValue("password"))
	if err != nil {
		return s.render(c, fiber.StatusUnauthorized, "login.html", page{"Error": "Wrong email or password.", "Email": c.FormValue("email"), "Signup": !s.cfg.DisableSignup})
	}
	if err := s.startSession(c, u.ID); err != nil {
		return s.render(c, fiber.StatusServiceUnavailable, "login.html", page{"Error": err.Error()})
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (s *Server) pageSignupForm(c *fiber.Ctx) error {
	if s.cfg.DisableSignup {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, "signup.html", nil)
}

func (s *Server) pageSignup(c *fiber.Ctx) error {
	u, err := s.signup(c.UserContext(), signupInput{Email: c.FormValue("email"), Password: c.FormValue("password")})
	if err != nil {
		errs, msg := fieldMap(err)
		return s.render(c, fiber.StatusBadRequest, "signup.html", page{"Errors": errs, "Error": msg, "Email": c.FormValue("email")})
	}
	if err := s.startSession(c, u.ID); err != nil {
		return s.render(c, fiber.StatusServiceUnavailable, "signup.html", page{"Error": err.Error()})
	}
	return c.Redirect("/?flash=Welcome!+Create+your+first+monitor.", fiber.StatusSeeOther)
}

func (s *Server) pageLogout(c *fiber.Ctx) error {
	s.endSession(c)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

func (s *Server) pageAccount(c *fiber.Ctx) error {
	return s.renderAccount(c, fiber.StatusOK, page{})
}

func (s *Server) renderAccount(c *fiber.Ctx, status int, data page) error {
	ts, err := s.listTokens(c)
	if err != nil {
		data["Error"] = err.Error()
	}
	p, _ := s.plan(c.UserContext(), user(c).Plan)
	data["Tokens"], data["Plan"] = ts, p
	return s.render(c, status, "account.html", data)
}

func (s *Server) pagePassword(c *fiber.Ctx) error {
	err := s.changePassword(c.UserContext(), user(c), passwordInput{Current: c.FormValue("current"), New: c.FormValue("new")})
	if err != nil {
		errs, msg := fieldMap(err)
		return s.renderAccount(c, fiber.StatusBadRequest, page{"Errors": errs, "Error": msg})
	}
	// Every session ended with the password change; open a fresh one here.
	if err := s.startSession(c, user(c).ID); err != nil {
		return s.renderAccount(c, fiber.StatusServiceUnavailable, page{"Error": err.Error()})
	}
	return c.Redirect("/account?flash=password", fiber.StatusSeeOther)
}

func (s *Server) pageCreateToken(c *fiber.Ctx) error {
	in := tokenInput{Name: c.FormValue("name")}
	if err := in.Validate(); err != nil {
		errs, msg := fieldMap(err)
		return s.renderAccount(c, fiber.StatusBadRequest, page{"Errors": errs, "Error": msg})
	}
	t, err := s.createToken(c, user(c), in.Name)
	if err != nil {
		return s.renderAccount(c, fiber.StatusServiceUnavailable, page{"Error": err.Error()})
	}
	return s.renderAccount(c, fiber.StatusCreated, page{"NewToken": t})
}

func (s *Server) pageRevokeToken(c *fiber.Ctx) error {
	if err := s.revokeToken(c, c.Params("id")); err != nil {
		return s.renderAccount(c, fiber.StatusNotFound, page{"Error": "no such token"})
	}
	return c.Redirect("/account", fiber.StatusSeeOther)
}

func (s *Server) pagePublicStatus(c *fiber.Ctx) error {
	ps, err := s.publicStatus(c.UserContext(), c.Params("owner"))
	if err != nil {
		return c.Status(fiber.StatusNotFound).SendString("no public status page here")
	}
	c.Set("Cache-Control", "public, max-age=10")
	return s.render(c, fiber.StatusOK, "public_status.html", page{"Page": ps})
}

func statusClass(s engine.Status) string { return strings.ToLower(string(s)) }
