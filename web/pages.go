package web

import (
	"embed"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"github.com/runbookhq/runbook/engine"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"lower": strings.ToLower,
}).ParseFS(templateFS, "templates/*.html"))

type indexData struct {
	User     string
	Error    string
	Monitors []engine.Monitor
	Counts   map[engine.Status]int
}

func (s *Server) render(c *fiber.Ctx, status int, name string, data any) error {
	c.Status(status).Type("html", "utf-8")
	return pages.ExecuteTemplate(c.Response().BodyWriter(), name, data)
}

// pageIndex lists the user's monitors with their status, or asks to log in.
func (s *Server) pageIndex(c *fiber.Ctx) error {
	u, ok := s.sessionUser(c)
	if !ok {
		return s.render(c, fiber.StatusOK, "login.html", indexData{})
	}
	ms, err := s.cfg.Store.ListMonitors(c.UserContext(), u.ID)
	if err != nil {
		return s.render(c, fiber.StatusServiceUnavailable, "index.html", indexData{User: u.Email, Error: err.Error()})
	}
	counts := map[engine.Status]int{}
	for _, m := range ms {
		counts[m.Status]++
	}
	return s.render(c, fiber.StatusOK, "index.html", indexData{User: u.Email, Monitors: ms, Counts: counts})
}

func (s *Server) pageLogin(c *fiber.Ctx) error {
	u, err := s.cfg.Store.GetUserByEmail(c.UserContext(), c.FormValue("email"))
	// Compare even for an unknown email so timing does not tell which
	// addresses have accounts.
	hash := []byte("$2a$10$invalidinvalidinvalidinvalidinvalidinvalidinvalidinvali")
	if err == nil {
		hash = []byte(u.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(c.FormValue("password"))) != nil || err != nil {
		return s.render(c, fiber.StatusUnauthorized, "login.html", indexData{Error: "wrong email or password"})
	}
	s.setSession(c, u.ID)
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (s *Server) pageLogout(c *fiber.Ctx) error {
	c.ClearCookie(sessionCookie)
	return c.Redirect("/", fiber.StatusSeeOther)
}
