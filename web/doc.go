// Package web is Runbook's face: the REST API under /api/v1, the
// dashboard pages and the webhook endpoints, on gofiber/fiber v2.
//
// The web writes only the store: each create, edit or delete of a monitor
// or reaction is stored together with an entry in every affected zone's
// queue, and the zones' bridges take it from there. The web never talks to
// a zone directly, so monitoring keeps running when the web is down.
package web
