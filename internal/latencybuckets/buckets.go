// Package latencybuckets holds the classic Prometheus histogram buckets that
// burstlab's live metrics and the simulator share.
//
// Prometheus estimates a quantile from classic buckets by interpolating
// inside the bucket that holds it, so the estimate and the true value lie in
// the same bucket and differ by at most the bucket's width. With each upper
// bound at most Factor times the one below, a p99 read with
// histogram_quantile is within 5 % of the true p99 anywhere in [Min, Max].
// Outside that range the estimate is only bounded by the edge bucket.
package latencybuckets

import (
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

const (
	Min    = 100e-6 // seconds: 100 µs, a loopback round trip
	Max    = 60.0   // seconds: past any sane request timeout
	Factor = 1.05   // largest ratio of neighbouring bounds: the estimate's error bound

	// NativeFactor is the native histograms' growth factor: client_golang
	// picks the largest schema whose factor is at most this (2^(2^-4) ≈
	// 1.044), so native quantiles are as fine as the classic ones.
	NativeFactor = Factor
)

// Seconds returns the bucket upper bounds, in seconds: a geometric series
// from Min to Max whose neighbours differ by at most Factor (275 buckets).
func Seconds() []float64 {
	n := int(math.Ceil(math.Log(Max/Min)/math.Log(Factor))) + 1
	return prometheus.ExponentialBucketsRange(Min, Max, n)
}

// Opts are the options of a latency histogram with these buckets, classic
// and native, so the live metrics and the simulator's sit side by side on
// one dashboard.
func Opts(name, help string) prometheus.HistogramOpts {
	return prometheus.HistogramOpts{
		Name:                            name,
		Help:                            help,
		Buckets:                         Seconds(),
		NativeHistogramBucketFactor:     NativeFactor,
		NativeHistogramMaxBucketNumber:  400,
		NativeHistogramMinResetDuration: time.Hour,
	}
}
