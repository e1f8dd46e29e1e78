package graphs

import (
	"fmt"
	"math"
	"math/rand"
)

// KMeansConfig configures KMeans; zero values are the defaults.
type KMeansConfig struct {
	MaxIter int `json:"max_iter,omitempty"` // Lloyd iterations at most; default 100
}

// KMeans clusters n points of dimension dim (row-major in pos) into k clusters by Lloyd's
// algorithm from k-means++ seeding (Arthur and Vassilvitskii, 2007): the first centre is a
// uniformly drawn point, each next one a point drawn with probability proportional to its
// squared distance to the nearest centre so far. Lloyd's iterations then alternate assigning
// each point to its nearest centre (ties to the lower index) and moving each centre to the
// mean of its members, until no assignment changes or MaxIter iterations; a cluster left
// empty is re-seeded with the point farthest from its centre. Every draw comes from rng, so
// the result is deterministic given rng's state.
//
// It returns the cluster of each point (in [0, k)) and the k centres (k×dim, row-major, the
// means of their members). Errors wrap ErrShape (k outside [1, n]) or ErrValue.
func KMeans(pos []float64, n, dim, k int, rng *rand.Rand, cfg KMeansConfig) (assign []int, centres []float64, err error) {
	if err := checkPositions("k-means", pos, n, dim); err != nil {
		return nil, nil, err
	}
	if n < 1 || k < 1 || k > n {
		return nil, nil, fmt.Errorf("graphs: k-means of %d points into k = %d clusters: %w", n, k, ErrShape)
	}
	if rng == nil {
		return nil, nil, fmt.Errorf("graphs: k-means: nil random source: %w", ErrConfig)
	}
	if cfg.MaxIter == 0 {
		cfg.MaxIter = 100
	}
	if cfg.MaxIter < 1 {
		return nil, nil, fmt.Errorf("graphs: k-means: max_iter %d: %w", cfg.MaxIter, ErrConfig)
	}
	centres = kmeansPlusPlus(pos, n, dim, k, rng)
	assign = make([]int, n)
	for i := range assign {
		assign[i] = -1
	}
	counts := make([]int, k)
	for it := 0; it < cfg.MaxIter; it++ {
		changed := false
		for i := 0; i < n; i++ {
			best, bd := 0, math.Inf(1)
			p := pos[i*dim : (i+1)*dim]
			for c := 0; c < k; c++ {
				if d := sqDist(p, centres[c*dim:(c+1)*dim]); d < bd {
					best, bd = c, d
				}
			}
			if assign[i] != best {
				assign[i], changed = best, true
			}
		}
		if !changed && it > 0 {
			break
		}
		updateCentres(pos, n, dim, k, assign, centres, counts)
		for c := 0; c < k; c++ {
			if counts[c] > 0 {
				continue
			}
			// Re-seed an empty cluster with the point farthest from its centre.
			far, fd := 0, -1.0
			for i := 0; i < n; i++ {
				if counts[assign[i]] < 2 {
					continue
				}
				if d := sqDist(pos[i*dim:(i+1)*dim], centres[assign[i]*dim:(assign[i]+1)*dim]); d > fd {
					far, fd = i, d
				}
			}
			counts[assign[far]]--
			assign[far] = c
			counts[c] = 1
			copy(centres[c*dim:(c+1)*dim], pos[far*dim:(far+1)*dim])
			updateCentres(pos, n, dim, k, assign, centres, counts)
		}
	}
	return assign, centres, nil
}

// kmeansPlusPlus draws k initial centres by k-means++ seeding.
func kmeansPlusPlus(pos []float64, n, dim, k int, rng *rand.Rand) []float64 {
	centres := make([]float64, 0, k*dim)
	first := rng.Intn(n)
	centres = append(centres, pos[first*dim:(first+1)*dim]...)
	d2 := make([]float64, n)
	for i := range d2 {
		d2[i] = sqDist(pos[i*dim:(i+1)*dim], centres[:dim])
	}
	chosen := map[int]bool{first: true}
	for c := 1; c < k; c++ {
		total := 0.0
		for _, d := range d2 {
			total += d
		}
		next := -1
		if total > 0 {
			u := rng.Float64() * total
			for i, d := range d2 {
				if u < d {
					next = i
					break
				}
				u -= d
			}
			if next < 0 { // rounding at the end of the range
				for i := n - 1; i >= 0; i-- {
					if d2[i] > 0 {
						next = i
						break
					}
				}
			}
		} else { // every point sits on a centre (duplicates): the first not chosen
			for i := 0; i < n && next < 0; i++ {
				if !chosen[i] {
					next = i
				}
			}
		}
		chosen[next] = true
		p := pos[next*dim : (next+1)*dim]
		centres = append(centres, p...)
		for i := range d2 {
			d2[i] = math.Min(d2[i], sqDist(pos[i*dim:(i+1)*dim], p))
		}
	}
	return centres
}

// updateCentres sets each non-empty cluster's centre to its members' mean and counts members.
func updateCentres(pos []float64, n, dim, k int, assign []int, centres []float64, counts []int) {
	sums := make([]float64, k*dim)
	for c := range counts {
		counts[c] = 0
	}
	for i := 0; i < n; i++ {
		c := assign[i]
		counts[c]++
		for d := 0; d < dim; d++ {
			sums[c*dim+d] += pos[i*dim+d]
		}
	}
	for c := 0; c < k; c++ {
		if counts[c] == 0 {
			continue
		}
		for d := 0; d < dim; d++ {
			centres[c*dim+d] = sums[c*dim+d] / float64(counts[c])
		}
	}
}
