package analysis

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"runtime"
	"sync"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/metrics"
)

// Noise types and poolings of Figures 4 and 10.
var (
	noiseTypes = []string{"position", "feature"}
	poolings   = []string{"max", "mean"}
)

// gwCurves holds GW[type][pool][alpha][clusters][cloud] of Figures 4 and 10.
type gwCurves struct {
	GW [][][][][]float64 `json:"gw"`
}

// Pool coarse-grains the rows of x (n×dim, row-major) by the clusters assign (k of them):
// "mean" takes the members' mean, "max" their coordinate-wise maximum. It returns k rows.
func Pool(x []float64, dim int, assign []int, k int, how string) ([][]float64, error) {
	if dim < 1 || len(x) != len(assign)*dim {
		return nil, fmt.Errorf("analysis: pooling %d values of dimension %d by %d assignments: %w", len(x), dim, len(assign), errShape)
	}
	out := make([][]float64, k)
	count := make([]int, k)
	for c := range out {
		out[c] = make([]float64, dim)
		if how == "max" {
			for d := range out[c] {
				out[c][d] = math.Inf(-1)
			}
		}
	}
	for i, c := range assign {
		if c < 0 || c >= k {
			return nil, fmt.Errorf("analysis: pooling: point %d in cluster %d of %d: %w", i, c, k, errShape)
		}
		count[c]++
		for d := 0; d < dim; d++ {
			v := x[i*dim+d]
			switch how {
			case "mean":
				out[c][d] += v
			case "max":
				out[c][d] = math.Max(out[c][d], v)
			default:
				return nil, fmt.Errorf("analysis: pooling %q: want max or mean: %w", how, errShape)
			}
		}
	}
	for c := range out {
		if count[c] == 0 {
			return nil, fmt.Errorf("analysis: pooling: cluster %d is empty: %w", c, errShape)
		}
		if how == "mean" {
			for d := range out[c] {
				out[c][d] /= float64(count[c])
			}
		}
	}
	return out, nil
}

// rows splits a flat n×dim slice into rows (views).
func rows(x []float64, dim int) [][]float64 {
	out := make([][]float64, len(x)/dim)
	for i := range out {
		out[i] = x[i*dim : (i+1)*dim]
	}
	return out
}

// centred returns x minus its mean point: the node features of Section 3.2.
func centred(x []float64, dim int) []float64 {
	n := len(x) / dim
	mu := make([]float64, dim)
	for i := 0; i < n; i++ {
		for d := 0; d < dim; d++ {
			mu[d] += x[i*dim+d] / float64(n)
		}
	}
	out := make([]float64, len(x))
	for i := range out {
		out[i] = x[i] - mu[i%dim]
	}
	return out
}

// noiseScale is σ of the rescaled flow-matching sample x_t / t = x + ((1 − t)/t) ε at α = 1 − t.
func noiseScale(alpha float64) float64 { return alpha / (1 - alpha) }

// clusterSeed derives the k-means seed of one coarse-graining.
func clusterSeed(seed int64, cloud, typ, alpha, k int) int64 {
	h := uint64(seed)
	for _, v := range []int{cloud, typ, alpha, k} {
		h = h*0x9E3779B97F4A7C15 + uint64(v) + 1
		h ^= h >> 31
	}
	return int64(h >> 1)
}

// CloudGW returns the GW curves of one clean cloud x (n×3): for each noise type, pooling,
// alpha and cluster count, the GW discrepancy between the clean shape and the coarse-grained
// noisy one. eps is the cloud's noise draw (n×3), shared by every alpha.
//
//   - position: y = x + σ ε; k-means on y; pooled y.
//   - feature: features f = x − mean(x), noisy f + σ ε; k-means on the clean positions x
//     (positions are not noised); pooled noisy features; compared with f.
//
// GW uses Euclidean distance matrices and uniform weights (POT's defaults).
func CloudGW(x, eps []float64, alphas []float64, clusters []int, seed int64, cloud int) ([][][][]float64, error) {
	const dim = 3
	n := len(x) / dim
	f := centred(x, dim)
	clean := [][][]float64{nil, nil}
	var err error
	if clean[0], err = metrics.DistanceMatrix(rows(x, dim)); err != nil {
		return nil, err
	}
	if clean[1], err = metrics.DistanceMatrix(rows(f, dim)); err != nil {
		return nil, err
	}
	out := make([][][][]float64, len(noiseTypes))
	noisy := make([]float64, len(x))
	for ti := range noiseTypes {
		out[ti] = make([][][]float64, len(poolings))
		for pi := range poolings {
			out[ti][pi] = make([][]float64, len(alphas))
			for ai := range alphas {
				out[ti][pi][ai] = make([]float64, len(clusters))
			}
		}
		for ai, a := range alphas {
			s := noiseScale(a)
			base := x
			if ti == 1 {
				base = f
			}
			for i := range noisy {
				noisy[i] = base[i] + s*eps[i]
			}
			for ki, k := range clusters {
				if k > n {
					return nil, fmt.Errorf("analysis: %d clusters of %d points: %w", k, n, errShape)
				}
				on := noisy
				if ti == 1 {
					on = x
				}
				rng := rand.New(rand.NewSource(clusterSeed(seed, cloud, ti, ai, k)))
				assign, _, err := graphs.KMeans(on, n, dim, k, rng, graphs.KMeansConfig{})
				if err != nil {
					return nil, err
				}
				for pi, how := range poolings {
					pooled, err := Pool(noisy, dim, assign, k, how)
					if err != nil {
						return nil, err
					}
					cp, err := metrics.DistanceMatrix(pooled)
					if err != nil {
						return nil, err
					}
					res, err := metrics.GromovWasserstein(clean[ti], cp, nil, nil, metrics.GWConfig{})
					if err != nil {
						return nil, fmt.Errorf("analysis: GW of cloud %d (%s noise, α %v, %d clusters, %s pool): %w", cloud, noiseTypes[ti], a, k, how, err)
					}
					out[ti][pi][ai][ki] = res.Loss
				}
			}
		}
	}
	return out, nil
}

// computeGW computes (or loads) the GW curves of every cloud, clouds in parallel.
func (r *runner) computeGW(ctx context.Context) (gwCurves, float64, bool, error) {
	set, err := r.clouds()
	if err != nil {
		return gwCurves{}, 0, false, err
	}
	key := struct {
		P    Preset `json:"preset"`
		Seed int64  `json:"seed"`
		What string `json:"what"`
	}{r.p, r.env.Seed, "gw-curves"}
	return cached(r, "gw-curves", key, func() (gwCurves, error) {
		nc := len(set.Clouds)
		per := make([][][][][]float64, nc)
		errs := make([]error, nc)
		jobs := make(chan int)
		var wg sync.WaitGroup
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for c := range jobs {
					if ctx.Err() != nil {
						errs[c] = ctx.Err()
						continue
					}
					rng := rand.New(rand.NewSource(clusterSeed(r.env.Seed, c, 99, 99, 99)))
					eps := make([]float64, len(set.Clouds[c]))
					for i := range eps {
						eps[i] = rng.NormFloat64()
					}
					per[c], errs[c] = CloudGW(set.Clouds[c], eps, r.p.Alphas, r.p.Clusters, r.env.Seed, c)
				}
			}()
		}
		for c := 0; c < nc; c++ {
			jobs <- c
		}
		close(jobs)
		wg.Wait()
		for c, err := range errs {
			if err != nil {
				return gwCurves{}, fmt.Errorf("analysis: GW curves of cloud %d (%s): %w", c, set.Labels[c], err)
			}
		}
		// Reorder to [type][pool][alpha][k][cloud].
		g := gwCurves{GW: make([][][][][]float64, len(noiseTypes))}
		for ti := range noiseTypes {
			g.GW[ti] = make([][][][]float64, len(poolings))
			for pi := range poolings {
				g.GW[ti][pi] = make([][][]float64, len(r.p.Alphas))
				for ai := range r.p.Alphas {
					g.GW[ti][pi][ai] = make([][]float64, len(r.p.Clusters))
					for ki := range r.p.Clusters {
						for c := 0; c < nc; c++ {
							g.GW[ti][pi][ai][ki] = append(g.GW[ti][pi][ai][ki], per[c][ti][pi][ai][ki])
						}
					}
				}
			}
		}
		return g, nil
	})
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// argminClusters returns the cluster count with the smallest mean GW at one (type, pool, alpha).
func argminClusters(g gwCurves, clusters []int, ti, pi, ai int) (int, float64) {
	best, bv := 0, math.Inf(1)
	for ki := range clusters {
		if v := mean(g.GW[ti][pi][ai][ki]); v < bv {
			best, bv = ki, v
		}
	}
	return clusters[best], bv
}

// perCloudArgmin returns each cloud's best cluster count at one (type, pool, alpha).
func perCloudArgmin(g gwCurves, clusters []int, ti, pi, ai int) []float64 {
	nc := len(g.GW[ti][pi][ai][0])
	out := make([]float64, nc)
	for c := 0; c < nc; c++ {
		best, bv := 0, math.Inf(1)
		for ki := range clusters {
			if v := g.GW[ti][pi][ai][ki][c]; v < bv {
				best, bv = ki, v
			}
		}
		out[c] = float64(clusters[best])
	}
	return out
}
