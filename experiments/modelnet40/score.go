package modelnet40

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/experiments/stats"
	"github.com/ncgn/ncgn/metrics"
)

// Metric keys of a cell's Values. W2 is the paper's flattened W2 × 10² (the unit of its
// tables); MMD-CD is × 10³ and MMD-EMD × 10² (PointFlow's units); COV and 1-NNA in percent.
const (
	KeyW2     = "w2"
	KeySpread = "spread"
	KeyMMDCD  = "mmd_cd"
	KeyCOVCD  = "cov_cd"
	KeyNNACD  = "nna_cd"
	KeyMMDEMD = "mmd_emd"
	KeyCOVEMD = "cov_emd"
	KeyNNAEMD = "nna_emd"
)

// SetKeys are the set metrics in table order.
var SetKeys = []string{KeyMMDCD, KeyCOVCD, KeyNNACD, KeyMMDEMD, KeyCOVEMD, KeyNNAEMD}

// reference holds the test clouds as point lists and their distance matrices within the set,
// computed once per run and shared by every cell.
type reference struct {
	flat [][]float64
	// subset are the indices of the clouds the set metrics use (of the test clouds and, the
	// same indices, of the generated ones); clouds are those test clouds as point lists.
	subset []int
	clouds [][][]float64
	within map[metrics.Distance][][]float64 // |subset| x |subset|
}

// spread returns k indices spread evenly over 0 … n-1 (all of them when k is 0 or ≥ n).
func spread(n, k int) []int {
	if k <= 0 || k >= n {
		k = n
	}
	out := make([]int, k)
	for i := range out {
		out[i] = i * n / k
	}
	return out
}

// pick returns the clouds of flat at the indices idx as point lists.
func pick(flat [][]float64, idx []int) [][][]float64 {
	sub := make([][]float64, len(idx))
	for i, j := range idx {
		sub[i] = flat[j]
	}
	return points(sub)
}

// newReference returns the reference of the test clouds, computing the within-set matrices
// of setClouds of them (spread evenly over the test set; 0: all) when set metrics are wanted.
func newReference(test [][]float64, setMetrics bool, setClouds int) (*reference, error) {
	ref := &reference{flat: test, within: map[metrics.Distance][][]float64{}}
	if !setMetrics {
		return ref, nil
	}
	ref.subset = spread(len(test), setClouds)
	ref.clouds = pick(test, ref.subset)
	for _, d := range []metrics.Distance{metrics.DistCD, metrics.DistEMD} {
		m, err := metrics.PairwiseWithin(ref.clouds, d)
		if err != nil {
			return nil, fmt.Errorf("modelnet40: test clouds: %w", err)
		}
		ref.within[d] = m
	}
	return ref, nil
}

// points returns flat clouds (x, y, z in a row) as lists of points.
func points(flat [][]float64) [][][]float64 {
	out := make([][][]float64, len(flat))
	for i, c := range flat {
		out[i] = make([][]float64, len(c)/3)
		for j := range out[i] {
			out[i][j] = c[3*j : 3*j+3]
		}
	}
	return out
}

// score returns the metrics of the generated clouds gen (flat, as many as the test clouds)
// against the reference: the paper's W2 × 10² and, when the reference has its within-set
// matrices, the six set metrics, with the generated-to-test distance matrices (by distance)
// for the bootstrap.
func score(gen [][]float64, ref *reference) (map[string]float64, map[metrics.Distance][][]float64, error) {
	n := len(gen[0]) / 3
	w2, err := metrics.FlattenedW2(gen, ref.flat, float64(n))
	if err != nil {
		return nil, nil, fmt.Errorf("modelnet40: W2: %w", err)
	}
	out := map[string]float64{KeyW2: 100 * w2, KeySpread: 100 * rmsNorm(gen)}
	if len(ref.within) == 0 {
		return out, nil, nil
	}
	sr := map[metrics.Distance][][]float64{}
	s := pick(gen, ref.subset)
	for _, d := range []metrics.Distance{metrics.DistCD, metrics.DistEMD} {
		dSR, err := metrics.Pairwise(s, ref.clouds, d)
		if err != nil {
			return nil, nil, fmt.Errorf("modelnet40: %v: %w", d, err)
		}
		sr[d] = dSR
		dSS, err := metrics.PairwiseWithin(s, d)
		if err != nil {
			return nil, nil, fmt.Errorf("modelnet40: %v: %w", d, err)
		}
		mmd, err := metrics.MMD(dSR)
		if err != nil {
			return nil, nil, fmt.Errorf("modelnet40: MMD-%v: %w", d, err)
		}
		cov, err := metrics.COV(dSR)
		if err != nil {
			return nil, nil, fmt.Errorf("modelnet40: COV-%v: %w", d, err)
		}
		nna, err := metrics.OneNNA(dSS, ref.within[d], dSR)
		if err != nil {
			return nil, nil, fmt.Errorf("modelnet40: 1-NNA-%v: %w", d, err)
		}
		if d == metrics.DistCD {
			out[KeyMMDCD], out[KeyCOVCD], out[KeyNNACD] = 1e3*mmd, cov, nna
		} else {
			out[KeyMMDEMD], out[KeyCOVEMD], out[KeyNNAEMD] = 1e2*mmd, cov, nna
		}
	}
	return out, sr, nil
}

// rmsNorm returns the root mean square distance of the points of the flat clouds from the
// origin.
func rmsNorm(clouds [][]float64) float64 {
	s, n := 0.0, 0
	for _, c := range clouds {
		for _, v := range c {
			s += v * v
		}
		n += len(c) / 3
	}
	return math.Sqrt(s / float64(max(n, 1)))
}

// bootstrapMMD returns the MMD (in the table's units: CD × 10³, EMD × 10²) on reps resamples
// of the clouds the set metrics use, drawn from seed (generated cloud j and test cloud j drawn
// together, as for the W2): for each resample the mean over its test clouds of the distance to
// the nearest of its generated clouds.
func bootstrapMMD(dSR [][]float64, scale float64, reps int, seed uint64) ([]float64, error) {
	if reps < 2 || len(dSR) == 0 {
		return nil, nil
	}
	_, _, boot, err := stats.Bootstrap(len(dSR), reps, seed, func(idx []int) (float64, error) {
		var sum float64
		for _, r := range idx {
			best := math.Inf(1)
			for _, s := range idx {
				best = math.Min(best, dSR[s][r])
			}
			sum += best
		}
		return scale * sum / float64(len(idx)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("modelnet40: MMD bootstrap: %w", err)
	}
	return boot, nil
}

// bootstrap returns the W2 × 10² of gen against the test clouds on reps resamples of the
// clouds' indices drawn from seed (generated cloud j and test cloud j drawn together), the same
// resamples for every method and replicate so that their values are paired.
func bootstrap(gen [][]float64, ref *reference, reps int, seed uint64) ([]float64, error) {
	if reps < 2 {
		return nil, nil
	}
	n := float64(len(gen[0]) / 3)
	_, _, boot, err := stats.Bootstrap(len(gen), reps, seed, func(idx []int) (float64, error) {
		gi, ti := make([][]float64, len(idx)), make([][]float64, len(idx))
		for k, j := range idx {
			gi[k], ti[k] = gen[j], ref.flat[j]
		}
		w2, err := metrics.FlattenedW2(gi, ti, n)
		return 100 * w2, err
	})
	if err != nil {
		return nil, fmt.Errorf("modelnet40: bootstrap: %w", err)
	}
	return boot, nil
}
