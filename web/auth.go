package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine/store"
)

const (
	localUser    = "user"
	localSession = "session"
)

// NewToken returns a fresh API token (shown once) and the hash to store.
func NewToken() (token, hash string) {
	token = "rb_" + randomString(32)
	return token, HashToken(token)
}

// HashToken is how tokens are kept at rest: a leaked database gives no
// usable token. SHA-256 suffices as tokens carry 256 random bits.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// tokenID is the public handle of a token: a prefix of its hash, enough
// to list and revoke it, useless to authenticate.
func tokenID(hash string) string {
	if len(hash) < 16 {
		return hash
	}
	return hash[:16]
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// requireAuth authenticates API calls by bearer token, or by the
// dashboard's session cookie (then requireCSRF guards unsafe methods).
func (s *Server) requireAuth(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		t, err := s.cfg.Store.GetToken(c.UserContext(), HashToken(strings.TrimSpace(tok)))
		if errors.Is(err, store.ErrNotFound) {
			return fail(c, fiber.StatusUnauthorized, "unauthorized", "unknown or revoked API token")
		}
		if err != nil {
			return failErr(c, err)
		}
		u, err := s.cfg.Store.GetUser(c.UserContext(), t.UserID)
		if err != nil {
			return fail(c, fiber.StatusUnauthorized, "unauthorized", "the token's user no longer exists")
		}
		c.Locals(localUser, u)
		return c.Next()
	}
	if u, se, ok := s.sessionUser(c); ok {
		c.Locals(localUser, u)
		c.Locals(localSession, se)
		return c.Next()
	}
	return fail(c, fiber.StatusUnauthorized, "unauthorized", "send an API token as 'Authorization: Bearer rb_...'")
}

// requirePageSession sends visitors without a session to the login page.
func (s *Server) requirePageSession(c *fiber.Ctx) error {
	u, se, ok := s.sessionUser(c)
	if !ok {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	c.Locals(localUser, u)
	c.Locals(localSession, se)
	return c.Next()
}

// requireCSRF refuses an unsafe request made with a session cookie unless
// it carries the session's CSRF token, in the form (_csrf) or the
// X-CSRF-Token header (JS). Bearer-token calls carry no ambient
// credential, so they need none.
func (s *Server) requireCSRF(c *fiber.Ctx) error {
	se, ok := c.Locals(localSession).(store.Session)
	if !ok {
		return c.Next()
	}
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	got := c.Get("X-CSRF-Token")
	if got == "" {
		got = c.FormValue("_csrf")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(se.CSRF)) != 1 || se.CSRF == "" {
		return fail(c, fiber.StatusForbidden, "csrf", "missing or wrong CSRF token; reload the page", fieldReason{"_csrf", "does not match the session"})
	}
	return c.Next()
}

func (s *Server) requireAdmin(c *fiber.Ctx) error {
	if !user(c).Admin {
		return fail(c, fiber.StatusForbidden, "forbidden", "only admins may do this")
	}
	return c.Next()
}

func (s *Server) requireAdminPage(c *fiber.Ctx) error {
	if !user(c).Admin {
		return c.Status(fiber.StatusForbidden).SendString("only admins may see this page")
	}
	return c.Next()
}

func user(c *fiber.Ctx) store.User {
	u, _ := c.Locals(localUser).(store.User)
	return u
}

func session(c *fiber.Ctx) store.Session {
	se, _ := c.Locals(localSession).(store.Session)
	return se
}

// Sessions live in the store under a hash of the cookie's secret, so
// logging out (or changing the password) really ends them, on every web
// process at once.
const (
	sessionCookie = "runbook_session"
	sessionTTL    = 12 * time.Hour
)

func (s *Server) sessionHash(secret string) string {
	m := hmac.New(sha256.New, s.cfg.SessionKey)
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Server) startSession(c *fiber.Ctx, userID string) error {
	secret := randomString(32)
	now := time.Now().UTC()
	se := store.Session{Hash: s.sessionHash(secret), UserID: userID, CSRF: randomString(24), CreatedAt: now, ExpiresAt: now.Add(sessionTTL)}
	if err := s.cfg.Store.PutSession(c.UserContext(), se); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: secret, HTTPOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: fiber.CookieSameSiteLaxMode, Path: "/", Expires: se.ExpiresAt,
	})
	return nil
}

func (s *Server) sessionUser(c *fiber.Ctx) (store.User, store.Session, bool) {
	v := c.Cookies(sessionCookie)
	if v == "" {
		return store.User{}, store.Session{}, false
	}
	se, err := s.cfg.Store.GetSession(c.UserContext(), s.sessionHash(v))
	if err != nil || time.Now().After(se.ExpiresAt) {
		return store.User{}, store.Session{}, false
	}
	u, err := s.cfg.Store.GetUser(c.UserContext(), se.UserID)
	if err != nil {
		return store.User{}, store.Session{}, false
	}
	return u, se, true
}

func (s *Server) endSession(c *fiber.Ctx) {
	if v := c.Cookies(sessionCookie); v != "" {
		_ = s.cfg.Store.DeleteSession(c.UserContext(), s.sessionHash(v))
	}
	c.ClearCookie(sessionCookie)
}
