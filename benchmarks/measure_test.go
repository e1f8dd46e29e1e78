package benchmarks

import (
	"runtime/metrics"
	"slices"
	"testing"
	"time"
)

// nowNs is the wall clock in nanoseconds.
func nowNs() int64 { return time.Now().UnixNano() }

// heapSampleEvery is how often a heapPeak reads the heap size.
const heapSampleEvery = 2 * time.Millisecond

// heapMetric is the bytes of heap memory occupied by objects, live or not yet swept: what
// the Go heap holds at that moment (the process's RSS adds the runtime's other memory).
const heapMetric = "/memory/classes/heap/objects:bytes"

// heapPeak samples the heap size in the background until stopped and keeps the largest value:
// the peak heap of the code that ran meanwhile, to within one sampling interval.
type heapPeak struct {
	stop chan struct{}
	peak chan uint64
}

// startHeapPeak starts sampling.
func startHeapPeak() *heapPeak {
	h := &heapPeak{stop: make(chan struct{}), peak: make(chan uint64)}
	go func() {
		s := []metrics.Sample{{Name: heapMetric}}
		var peak uint64
		tick := time.NewTicker(heapSampleEvery)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if s[0].Value.Kind() == metrics.KindUint64 {
				peak = max(peak, s[0].Value.Uint64())
			}
			select {
			case <-h.stop:
				h.peak <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the peak in bytes.
func (h *heapPeak) Stop() uint64 {
	close(h.stop)
	return <-h.peak
}

// stepStats accumulates the steps of a benchmark run and reports them.
type stepStats struct {
	steps        []stepTimes
	heap         *heapPeak
	batch, nodes int
}

func newStepStats(batch, nodes int) *stepStats {
	return &stepStats{heap: startHeapPeak(), batch: batch, nodes: nodes}
}

func (s *stepStats) add(st stepTimes) { s.steps = append(s.steps, st) }

// report stops the heap sampler and reports, per op (one step): the mean time of each part
// in milliseconds (data-ms, training only; plan-ms; net-ms; opt-ms for Adam + EMA or
// update-ms for the sampler), the median step time (p50-ms), the mean supernodes and coarse
// edges of the batch, the median step time per sample (ms/cloud: a step slowed down by another
// process on the shared machine moves it less than the mean) and the peak heap (peak-heap-MB).
func (s *stepStats) report(b *testing.B, train bool) {
	peak := s.heap.Stop()
	n := len(s.steps)
	if n == 0 {
		return
	}
	var data, plan, net, upd, nodes, edges float64
	totals := make([]float64, n)
	for i, st := range s.steps {
		data += float64(st.data)
		plan += float64(st.plan)
		net += float64(st.net)
		upd += float64(st.update)
		nodes += float64(st.nodes)
		edges += float64(st.edges)
		totals[i] = float64(st.total())
	}
	ms := func(ns float64) float64 { return ns / float64(n) / 1e6 }
	if train {
		b.ReportMetric(ms(data), "data-ms/op")
		b.ReportMetric(ms(upd), "opt-ms/op")
	} else {
		b.ReportMetric(ms(upd), "update-ms/op")
	}
	b.ReportMetric(ms(plan), "plan-ms/op")
	b.ReportMetric(ms(net), "net-ms/op")
	p50 := median(totals) / 1e6
	b.ReportMetric(p50, "p50-ms/op")
	b.ReportMetric(p50/float64(s.batch), "ms/cloud")
	b.ReportMetric(nodes/float64(n), "supernodes/op")
	b.ReportMetric(edges/float64(n), "edges/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// median returns the median of xs (the mean of the middle two for an even count).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
