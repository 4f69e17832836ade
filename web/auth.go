package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine/store"
)

const localUser = "user"

// NewToken returns a fresh API token (shown once) and the hash to store.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = "rb_" + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how tokens are kept at rest: a leaked database gives no
// usable token. SHA-256 suffices as tokens carry 256 random bits.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// requireToken authenticates API calls by bearer token, or by the
// dashboard's session cookie.
func (s *Server) requireToken(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok && tok != "" {
		t, err := s.cfg.Store.GetToken(c.UserContext(), HashToken(tok))
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
	if u, ok := s.sessionUser(c); ok {
		c.Locals(localUser, u)
		return c.Next()
	}
	return fail(c, fiber.StatusUnauthorized, "unauthorized", "send an API token as 'Authorization: Bearer rb_...'")
}

func user(c *fiber.Ctx) store.User {
	u, _ := c.Locals(localUser).(store.User)
	return u
}

// Sessions are a signed cookie "userid|expiry|mac": no server state, so
// any web process with the key can serve any user.
const sessionCookie = "runbook_session"

func (s *Server) sessionKey() []byte { return s.cfg.SessionKey }

func (s *Server) setSession(c *fiber.Ctx, userID string) {
	exp := time.Now().Add(12 * time.Hour).Unix()
	payload := userID + "|" + strconv.FormatInt(exp, 10)
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: payload + "|" + s.mac(payload),
		HTTPOnly: true, SameSite: "Strict", Path: "/", Expires: time.Unix(exp, 0),
	})
}

func (s *Server) sessionUser(c *fiber.Ctx) (store.User, bool) {
	v := c.Cookies(sessionCookie)
	i := strings.LastIndexByte(v, '|')
	if i < 0 {
		return store.User{}, false
	}
	payload, mac := v[:i], v[i+1:]
	if !hmac.Equal([]byte(mac), []byte(s.mac(payload))) {
		return store.User{}, false
	}
	id, expS, ok := strings.Cut(payload, "|")
	exp, err := strconv.ParseInt(expS, 10, 64)
	if !ok || err != nil || time.Now().Unix() > exp {
		return store.User{}, false
	}
	u, err := s.cfg.Store.GetUser(c.UserContext(), id)
	return u, err == nil
}

func (s *Server) mac(payload string) string {
	m := hmac.New(sha256.New, s.sessionKey())
	fmt.Fprint(m, payload)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
