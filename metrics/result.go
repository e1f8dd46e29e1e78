package metrics

import (
	"fmt"
	"strconv"
	"strings"
)

// Result is one metric value with what is needed to read it: the metric's name, the
// convention it was computed with, the set sizes and the points per cloud. Its JSON form is
// what the eval command prints.
type Result struct {
	Metric         string  `json:"metric"`           // "W2", "MMD-CD", "COV-EMD", "1-NNA-CD", ...
	Value          float64 `json:"value"`            // the metric's value in the unit stated by Convention
	Convention     string  `json:"convention"`       // the definition used, including squared or not and scaling
	Samples        int     `json:"samples"`          // |S|, generated samples
	Reference      int     `json:"reference"`        // |R|, reference samples
	PointsPerCloud int     `json:"points_per_cloud"` // points (nodes) per sample; 0 if the samples were given flat
	Normalize      float64 `json:"normalize,omitempty"`
}

// String formats r on one line, the value in the shortest form that reads back to the same
// float64.
func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s = %s (|S| = %d, |R| = %d", r.Metric, strconv.FormatFloat(r.Value, 'g', -1, 64), r.Samples, r.Reference)
	if r.PointsPerCloud > 0 {
		fmt.Fprintf(&b, ", %d points per sample", r.PointsPerCloud)
	}
	fmt.Fprintf(&b, "; %s)", r.Convention)
	return b.String()
}

// SetMetric names a metric that compares a set S of generated clouds with a set R of
// reference clouds under a Distance: MetricMMD, MetricCOV or Metric1NNA.
type SetMetric int

const (
	// MetricMMD is the minimum matching distance of MMD (lower is better).
	MetricMMD SetMetric = iota + 1
	// MetricCOV is the coverage of COV in percent (higher is better).
	MetricCOV
	// Metric1NNA is the 1-nearest-neighbour accuracy of OneNNA in percent (50 is ideal).
	Metric1NNA
)

// String returns "MMD", "COV" or "1-NNA".
func (m SetMetric) String() string {
	switch m {
	case MetricMMD:
		return "MMD"
	case MetricCOV:
		return "COV"
	case Metric1NNA:
		return "1-NNA"
	}
	return fmt.Sprintf("SetMetric(%d)", int(m))
}

// convention states the definition of m for Result.Convention.
func (m SetMetric) convention() string {
	switch m {
	case MetricMMD:
		return "MMD = mean over r in R of min over s in S of D(s,r); lower is better"
	case MetricCOV:
		return "COV = percent of R that is the nearest reference (lowest index on ties) of some s in S; higher is better"
	case Metric1NNA:
		return "1-NNA = leave-one-out 1-NN accuracy on S u R in percent (ties: S first, lowest index); 50 is ideal, closer to 50 is better"
	}
	return m.String()
}

// Evaluate computes the set metrics which (all three if empty) of generated clouds S against
// reference clouds R under the distance d, in the order given, and returns one Result per
// metric. Clouds are scored as given (no normalisation: state yours beside the numbers); all
// clouds of S and R must hold the same number of points of one dimension, and |S| may differ
// from |R|. Only the distance matrices needed are computed: dSR always, dSS and dRR for
// 1-NNA (O((|S|+|R|)²) distances; EMD costs O(n³) each).
//
// Errors (wrapping ErrShape or ErrValue) name the set and cloud at fault, or the unknown
// distance or metric.
func Evaluate(s, r [][][]float64, d Distance, which ...SetMetric) ([]Result, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	if len(which) == 0 {
		which = []SetMetric{MetricMMD, MetricCOV, Metric1NNA}
	}
	need1NNA := false
	for _, m := range which {
		switch m {
		case MetricMMD, MetricCOV:
		case Metric1NNA:
			need1NNA = true
		default:
			return nil, fmt.Errorf("metrics: unknown set metric %v (want MetricMMD, MetricCOV or Metric1NNA): %w", m, ErrValue)
		}
	}
	ps, n, dim, err := packSet("generated set", s, -1, -1)
	if err != nil {
		return nil, err
	}
	pr, _, _, err := packSet("reference set", r, n, dim)
	if err != nil {
		return nil, err
	}
	dSR, err := pairwise(ps, pr, d)
	if err != nil {
		return nil, err
	}
	var dSS, dRR [][]float64
	if need1NNA {
		if dSS, err = pairwiseWithin(ps, d); err != nil {
			return nil, err
		}
		if dRR, err = pairwiseWithin(pr, d); err != nil {
			return nil, err
		}
	}
	out := make([]Result, 0, len(which))
	for _, m := range which {
		var v float64
		switch m {
		case MetricMMD:
			v, err = MMD(dSR)
		case MetricCOV:
			v, err = COV(dSR)
		case Metric1NNA:
			v, err = OneNNA(dSS, dRR, dSR)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Result{
			Metric:         m.String() + "-" + d.String(),
			Value:          v,
			Convention:     m.convention() + "; " + d.convention() + "; clouds scored as given",
			Samples:        len(s),
			Reference:      len(r),
			PointsPerCloud: n,
		})
	}
	return out, nil
}

// W2Convention states the definition of FlattenedW2 for Result.Convention.
const W2Convention = "exact OT between the sets of flattened samples (node order), uniform weights, Euclidean ground cost (not squared), divided by normalize; order-dependent for point clouds (docs/REFERENCE.md §6)"

// EvaluateW2 computes FlattenedW2(samples, reference, normalize) and wraps it in a Result;
// pointsPerSample is recorded as the Result's PointsPerCloud (0 if the samples were flat).
func EvaluateW2(samples, reference [][]float64, normalize float64, pointsPerSample int) (Result, error) {
	v, err := FlattenedW2(samples, reference, normalize)
	if err != nil {
		return Result{}, err
	}
	return Result{
		Metric:         "W2",
		Value:          v,
		Convention:     W2Convention,
		Samples:        len(samples),
		Reference:      len(reference),
		PointsPerCloud: pointsPerSample,
		Normalize:      normalize,
	}, nil
}
