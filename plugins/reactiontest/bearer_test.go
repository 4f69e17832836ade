package reactiontest

import (
	"net/http"
	"strings"
)

// bearerOK checks an Authorization: Bearer header against token.
func bearerOK(h http.Header, token string) bool {
	got, ok := strings.CutPrefix(h.Get("Authorization"), "Bearer ")
	return ok && got == token
}
