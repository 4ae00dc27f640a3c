package observe

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// QueueDepthTimeout is how long a scrape waits for the queue's depth.
const QueueDepthTimeout = 2 * time.Second

var queueJobsDesc = prometheus.NewDesc("kith_queue_jobs",
	"River jobs waiting or running, by state (available, scheduled, retryable, running), read on each scrape.",
	[]string{"state"}, nil)

// queueCollector reads the queue's depth when scraped.
type queueCollector struct {
	depth func(context.Context) (map[string]int64, error)
}

// Describe implements prometheus.Collector.
func (c queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueJobsDesc }

// Collect implements prometheus.Collector. A depth that fails exports
// nothing, rather than zeros that would read as an empty queue.
func (c queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), QueueDepthTimeout)
	defer cancel()
	states, err := c.depth(ctx)
	if err != nil {
		return
	}
	for state, n := range states {
		ch <- prometheus.MustNewConstMetric(queueJobsDesc, prometheus.GaugeValue, float64(n), bounded(state))
	}
}
