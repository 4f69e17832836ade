package node

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// adaptMetrics serves Prometheus' handler from the fiber app.
func adaptMetrics() fiber.Handler { return adaptor.HTTPHandler(promhttp.Handler()) }
