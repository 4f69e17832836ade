package web

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// apiError is the JSON body of every API error: a stable code, a message
// for people, and the fields at fault when there are any.
type apiError struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Fields  []fieldReason `json:"fields,omitempty"`
}

type fieldReason struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func fail(c *fiber.Ctx, status int, code, msg string, fields ...fieldReason) error {
	return c.Status(status).JSON(fiber.Map{"error": apiError{Code: code, Message: msg, Fields: fields}})
}

// malformedError is a request body that is not the JSON an endpoint takes.
type malformedError struct{ err error }

func (e *malformedError) Error() string {
	return "request body is not valid JSON for this endpoint: " + e.err.Error()
}

// failErr maps an error from validation or the store to a response.
func failErr(c *fiber.Ctx, err error) error {
	if fes, ok := engine.AsFieldErrors(err); ok {
		fields := make([]fieldReason, len(fes))
		for i, fe := range fes {
			fields[i] = fieldReason{Field: fe.Field, Reason: fe.Reason}
		}
		return fail(c, fiber.StatusBadRequest, "invalid", err.Error(), fields...)
	}
	var me *malformedError
	var le *limitError
	switch {
	case errors.As(err, &le):
		return fail(c, fiber.StatusForbidden, "plan_limit", le.Reason, fieldReason{le.Field, le.Reason})
	case errors.As(err, &me):
		return fail(c, fiber.StatusBadRequest, "malformed", me.Error())
	case errors.Is(err, store.ErrNotFound):
		return fail(c, fiber.StatusNotFound, "not_found", "not found")
	case errors.Is(err, errTaken):
		return fail(c, fiber.StatusConflict, "conflict", err.Error(), fieldReason{"id", "is taken"})
	case errors.Is(err, store.ErrConflict):
		return fail(c, fiber.StatusConflict, "conflict", err.Error())
	case errors.Is(err, store.ErrNoPreviousVersion):
		return fail(c, fiber.StatusConflict, "no_previous_version", err.Error())
	case errors.Is(err, store.ErrUnavailable):
		return fail(c, fiber.StatusServiceUnavailable, "unavailable", "the store is unavailable; try again shortly")
	}
	slog.Default().Error("web: unhandled error", "path", c.Path(), "err", err)
	return fail(c, fiber.StatusInternalServerError, "internal", "internal error")
}

// errorHandler catches what handlers return unhandled (bad routes, body
// too large) so clients always get the JSON shape.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code := "error"
		switch fe.Code {
		case fiber.StatusNotFound:
			code = "not_found"
		case fiber.StatusRequestEntityTooLarge:
			code = "too_large"
			return fail(c, fe.Code, code, fmt.Sprintf("request body is larger than %d bytes", s.cfg.BodyLimit))
		case fiber.StatusMethodNotAllowed:
			code = "method_not_allowed"
		}
		return fail(c, fe.Code, code, fe.Message)
	}
	s.log.Error("unhandled error", "path", c.Path(), "err", err)
	return fail(c, fiber.StatusInternalServerError, "internal", "internal error")
}
