package web

import "github.com/gofiber/fiber/v2"

// routes registers every page and API route. The OpenAPI document
// (openapi.go) lists the same /api/v1 routes; a test keeps them in step.
func (s *Server) routes() {
	a := s.app
	a.Use(s.limitBody)
	// Bounded per client address (ratelimit.go): password guessing on the
	// login forms, and floods of the unauthenticated hook endpoints.
	logins := newLimiter(s.cfg.LoginLimit, s.cfg.limitClock)
	loginLimit := s.rateLimit("login", logins, true)
	apiLoginLimit := s.rateLimit("login", logins, false)
	hookLimit := s.rateLimit("hooks", newLimiter(s.cfg.HookLimit, s.cfg.limitClock), false)
	a.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	a.Get("/static/:file", s.static)

	// Public API: no token, each route authenticates its own way.
	a.Get("/api/v1/openapi.json", s.openAPI)
	a.Post("/api/v1/signup", apiLoginLimit, s.apiSignup)
	a.Get("/api/v1/public/status/:owner", s.apiPublicStatus)
	a.Post("/api/v1/webhooks/:monitor/:token", hookLimit, s.webhookGeneric)
	a.Get("/api/v1/webhooks/:monitor/:token/:action", hookLimit, s.webhookAction)
	a.Post("/api/v1/webhooks/:monitor/:token/:action", hookLimit, s.webhookAction)
	a.Get("/api/v1/heartbeats/:monitor/:token", hookLimit, s.heartbeat)
	a.Post("/api/v1/heartbeats/:monitor/:token", hookLimit, s.heartbeat)
	a.Post("/api/v1/integrations/:provider/:monitor/:token", hookLimit, s.integration)

	api := a.Group("/api/v1", s.requireAuth, s.requireCSRF)
	api.Get("/me", s.apiMe)
	api.Put("/me/password", s.apiChangePassword)
	api.Get("/plan", s.apiPlan)
	api.Get("/plugins", s.apiPlugins)
	api.Get("/tokens", s.apiListTokens)
	api.Post("/tokens", s.apiCreateToken)
	api.Delete("/tokens/:id", s.apiRevokeToken)
	api.Get("/summary", s.apiSummary)
	api.Get("/events", s.apiAllEvents)
	api.Get("/stream", s.apiStream)
	api.Get("/audit", s.apiAudit)

	api.Get("/monitors", s.listMonitors)
	api.Post("/monitors", s.createMonitor)
	api.Get("/monitors/:id", s.getMonitor)
	api.Put("/monitors/:id", s.updateMonitor)
	api.Delete("/monitors/:id", s.deleteMonitor)
	api.Post("/monitors/:id/pause", s.apiPause)
	api.Post("/monitors/:id/resume", s.apiResume)
	api.Post("/monitors/:id/mark", s.apiMark)
	api.Get("/monitors/:id/history", s.monitorHistory)
	api.Get("/monitors/:id/events", s.monitorEvents)
	api.Get("/monitors/:id/reactionlogs", s.monitorReactionLogs)
	api.Get("/monitors/:id/uptime", s.apiUptime)
	api.Get("/monitors/:id/zones", s.apiZoneResults)
	api.Get("/monitors/:id/silences", s.apiListSilences)
	api.Post("/monitors/:id/silences", s.apiAddSilence)
	api.Delete("/monitors/:id/silences/:sid", s.apiDeleteSilence)
	api.Get("/monitors/:id/webhook", s.apiGetWebhook)
	api.Put("/monitors/:id/webhook", s.apiPutWebhook)
	api.Post("/monitors/:id/webhook/rotate", s.apiRotateWebhook)

	api.Get("/reactions", s.listReactions)
	api.Post("/reactions", s.createReaction)
	api.Get("/reactions/:id", s.getReaction)
	api.Put("/reactions/:id", s.updateReaction)
	api.Delete("/reactions/:id", s.deleteReaction)

	api.Get("/statuspage", s.apiGetStatusPage)
	api.Put("/statuspage", s.apiPutStatusPage)

	adm := api.Group("/admin", s.requireAdmin)
	adm.Get("/users", s.apiAdminUsers)
	adm.Put("/users/:id/plan", s.apiAdminSetPlan)
	adm.Get("/plans", s.apiAdminPlans)
	adm.Put("/plans/:id", s.apiAdminPutPlan)
	adm.Delete("/plans/:id", s.apiAdminDeletePlan)
	adm.Get("/plugins", s.apiAdminPlugins)
	adm.Post("/plugins", s.apiAdminPushPlugin)
	adm.Post("/plugins/:name/rollback", s.apiAdminRollbackPlugin)

	// Pages.
	a.Get("/", s.pageIndex)
	a.Get("/login", s.pageLoginForm)
	a.Post("/login", loginLimit, s.requirePreCSRF("login.html"), s.pageLogin)
	a.Get("/signup", s.pageSignupForm)
	a.Post("/signup", loginLimit, s.requirePreCSRF("signup.html"), s.pageSignup)
	a.Get("/status/:owner", s.pagePublicStatus)

	// Page routes each carry the session and CSRF checks themselves
	// rather than a catch-all middleware, so an unknown path stays a 404.
	p := pageRoutes{a, []fiber.Handler{s.requirePageSession, s.requireCSRF}}
	p.Post("/logout", s.pageLogout)
	p.Get("/account", s.pageAccount)
	p.Post("/account/password", s.pagePassword)
	p.Post("/account/tokens", s.pageCreateToken)
	p.Post("/account/tokens/:id/delete", s.pageRevokeToken)
	p.Get("/monitors/new", s.pageMonitorNew)
	p.Post("/monitors/new", s.pageMonitorCreate)
	p.Get("/monitors/:id", s.pageMonitor)
	p.Get("/monitors/:id/edit", s.pageMonitorEdit)
	p.Post("/monitors/:id/edit", s.pageMonitorUpdate)
	p.Post("/monitors/:id/delete", s.pageMonitorDelete)
	p.Post("/monitors/:id/pause", s.pagePause)
	p.Post("/monitors/:id/resume", s.pageResume)
	p.Post("/monitors/:id/mark", s.pageMark)
	p.Post("/monitors/:id/silences", s.pageAddSilence)
	p.Post("/monitors/:id/silences/:sid/delete", s.pageDeleteSilence)
	p.Post("/monitors/:id/webhook/rotate", s.pageRotateWebhook)
	p.Post("/monitors/:id/webhook", s.pagePutWebhook)
	p.Get("/audit", s.pageAudit)
	p.Get("/reactions", s.pageReactions)
	p.Get("/reactions/new", s.pageReactionNew)
	p.Post("/reactions/new", s.pageReactionCreate)
	p.Get("/reactions/:id/edit", s.pageReactionEdit)
	p.Post("/reactions/:id/edit", s.pageReactionUpdate)
	p.Post("/reactions/:id/delete", s.pageReactionDelete)
	p.Get("/statuspage", s.pageStatusPageSettings)
	p.Post("/statuspage", s.pageStatusPageSave)
	p.Get("/admin", s.requireAdminPage, s.pageAdmin)
	p.Post("/admin/users/:id/plan", s.requireAdminPage, s.pageAdminSetPlan)
	p.Post("/admin/plans", s.requireAdminPage, s.pageAdminPutPlan)
	p.Post("/admin/plugins", s.requireAdminPage, s.pageAdminPushPlugin)
	p.Post("/admin/plugins/:name/rollback", s.requireAdminPage, s.pageAdminRollbackPlugin)
}

type pageRoutes struct {
	app  *fiber.App
	mids []fiber.Handler
}

func (p pageRoutes) chain(h []fiber.Handler) []fiber.Handler {
	return append(append([]fiber.Handler(nil), p.mids...), h...)
}

func (p pageRoutes) Get(path string, h ...fiber.Handler) {
	p.app.Get(path, p.chain(h)...)
}

func (p pageRoutes) Post(path string, h ...fiber.Handler) {
	p.app.Post(path, p.chain(h)...)
}
