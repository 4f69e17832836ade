package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Login and sign-up happen before there is a session, so their CSRF token
// cannot live in one. They use a signed double-submit cookie instead: the
// form page sets a random cookie and puts HMAC(SessionKey, cookie) in the
// form. A cross-site page can make the browser send the cookie but can
// neither read it nor forge the HMAC, so it cannot log a victim into the
// attacker's account (login CSRF) or sign up on their behalf.

const preCSRFCookie = "runbook_precsrf"

func (s *Server) preCSRFToken(nonce string) string {
	m := hmac.New(sha256.New, s.cfg.SessionKey)
	m.Write([]byte("pre-session csrf:" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// preCSRF returns the form token for this browser, setting the cookie
// when it has none.
func (s *Server) preCSRF(c *fiber.Ctx) string {
	nonce := c.Cookies(preCSRFCookie)
	if len(nonce) < 32 || strings.ContainsAny(nonce, " ;,") {
		nonce = randomString(24)
		c.Cookie(&fiber.Cookie{
			Name: preCSRFCookie, Value: nonce, HTTPOnly: true, Secure: s.cfg.SecureCookies,
			SameSite: fiber.CookieSameSiteLaxMode, Path: "/",
		})
	}
	return s.preCSRFToken(nonce)
}

// requirePreCSRF refuses a login or sign-up form post without a matching
// token; the answer is the form again with a new token, so a stale tab
// only costs one more click.
func (s *Server) requirePreCSRF(tmpl string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		nonce := c.Cookies(preCSRFCookie)
		got := c.FormValue("_csrf")
		if nonce != "" && got != "" && hmac.Equal([]byte(got), []byte(s.preCSRFToken(nonce))) {
			return c.Next()
		}
		return s.render(c, fiber.StatusForbidden, tmpl, page{
			"Error": "This form expired or your browser blocked its cookie. Please try again.", "Email": c.FormValue("email"),
			"Signup": !s.cfg.DisableSignup, "Errors": map[string]string{"_csrf": "does not match this browser's form token"},
		})
	}
}
