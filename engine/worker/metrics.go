package worker

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/runbookhq/runbook/host"
)

var (
	mJobs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "worker", Name: "jobs_total",
		Help: "Checks run, by resulting status."}, []string{"zone", "status"})
	mDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "runbook", Subsystem: "worker", Name: "check_seconds",
		Help:    "Check duration, plugin call included.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12)}, []string{"zone", "plugin"})
	mSendFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "runbook", Subsystem: "worker", Name: "send_failed_total",
		Help: "Results that could not be pushed to the action broker."}, []string{"zone"})
)

func init() { prometheus.MustRegister(mJobs, mDuration, mSendFailed) }

// PoolCollector exports the plugin host's instance pools (live and idle
// instances per plugin version), read from host.Host.Plugins() at scrape
// time so the figures are never stale. Register it once per Host.
func PoolCollector(h *host.Host) prometheus.Collector { return poolCollector{h} }

type poolCollector struct{ h *host.Host }

var (
	dInstances = prometheus.NewDesc("runbook_plugin_pool_instances",
		"Live wazero instances of a plugin version.", []string{"plugin", "version", "kind"}, nil)
	dIdle = prometheus.NewDesc("runbook_plugin_pool_idle",
		"Idle pooled instances of a plugin version.", []string{"plugin", "version", "kind"}, nil)
	dServing = prometheus.NewDesc("runbook_plugin_serving",
		"1 when a plugin version loaded and serves calls, 0 when it failed to load.", []string{"plugin", "version", "kind"}, nil)
)

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- dInstances
	ch <- dIdle
	ch <- dServing
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.h.Plugins() {
		lv := []string{p.Name, p.Version, string(p.Kind)}
		serving := 1.0
		if p.Err != nil {
			serving = 0
		}
		ch <- prometheus.MustNewConstMetric(dInstances, prometheus.GaugeValue, float64(p.Instances), lv...)
		ch <- prometheus.MustNewConstMetric(dIdle, prometheus.GaugeValue, float64(p.Idle), lv...)
		ch <- prometheus.MustNewConstMetric(dServing, prometheus.GaugeValue, serving, lv...)
	}
}
