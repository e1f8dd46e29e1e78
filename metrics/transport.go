package metrics

import (
	"fmt"
	"math"
)

// Transport solves the discrete optimal transport problem between the histograms a (n masses)
// and b (m masses) with the cost matrix cost (n×m, row-major):
//
//	min_P  Σ_ij cost_ij P_ij   subject to  P ≥ 0,  P 1 = a,  Pᵀ 1 = b,
//
// the linear program that Python Optimal Transport's ot.emd solves with the network simplex.
// Here it is solved exactly by successive shortest augmenting paths (Dijkstra with node
// potentials on the residual bipartite network), so any optimal plan is returned; where the
// optimum is unique it is the plan ot.emd returns. a and b must be non-negative, finite and of
// equal total mass (to 1e-9 relative). Cost O((n+m)·(n+m)²) for dense costs; meant for the
// small problems of Gromov-Wasserstein (tens to a few hundred points).
//
// It returns the plan (n×m, row-major) and its cost.
func Transport(a, b, cost []float64) (plan []float64, total float64, err error) {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return nil, 0, fmt.Errorf("metrics: transport between %d and %d masses: %w", n, m, ErrShape)
	}
	if len(cost) != n*m {
		return nil, 0, fmt.Errorf("metrics: transport cost has %d entries, want %d×%d: %w", len(cost), n, m, ErrShape)
	}
	sa, err := checkMasses("a", a)
	if err != nil {
		return nil, 0, err
	}
	sb, err := checkMasses("b", b)
	if err != nil {
		return nil, 0, err
	}
	if math.Abs(sa-sb) > 1e-9*math.Max(sa, sb) || sa == 0 {
		return nil, 0, fmt.Errorf("metrics: transport masses sum to %v and %v, want equal positive totals: %w", sa, sb, ErrValue)
	}
	cmin := math.Inf(1)
	for k, c := range cost {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return nil, 0, fmt.Errorf("metrics: transport cost[%d][%d] = %v: %w", k/m, k%m, c, ErrValue)
		}
		cmin = math.Min(cmin, c)
	}
	s := newSSP(a, b, cost, cmin, sb/sa)
	if err := s.solve(); err != nil {
		return nil, 0, err
	}
	for k, f := range s.flow {
		total += f * cost[k]
	}
	return s.flow, total, nil
}

// checkMasses checks a histogram and returns its total.
func checkMasses(name string, w []float64) (float64, error) {
	s := 0.0
	for i, x := range w {
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			return 0, fmt.Errorf("metrics: transport mass %s[%d] = %v: %w", name, i, x, ErrValue)
		}
		s += x
	}
	return s, nil
}

// ssp is the state of the successive-shortest-path solver on the network
// source → rows (capacity a_i) → columns (cost c_ij, uncapacitated) → sink (capacity b_j).
type ssp struct {
	n, m       int
	cost       []float64 // shifted to be non-negative
	supply     []float64 // residual capacity source → row i
	demand     []float64 // residual capacity column j → sink
	flow       []float64 // row i → column j
	pot, dist  []float64 // node potentials and Dijkstra distances: rows, columns, source, sink
	prev       []int     // predecessor on the shortest path tree (-1: none)
	done       []bool
	eps, total float64
}

func newSSP(a, b, cost []float64, cmin, scaleB float64) *ssp {
	n, m := len(a), len(b)
	s := &ssp{n: n, m: m, cost: make([]float64, n*m), supply: append([]float64(nil), a...), demand: make([]float64, m),
		flow: make([]float64, n*m)}
	for k, c := range cost {
		s.cost[k] = c - cmin
	}
	for j := range b {
		s.demand[j] = b[j] / scaleB // the same total as a, up to rounding
	}
	for _, x := range a {
		s.total += x
	}
	s.eps = 1e-14 * s.total
	v := n + m + 2
	s.pot, s.dist, s.prev, s.done = make([]float64, v), make([]float64, v), make([]int, v), make([]bool, v)
	return s
}

// solve augments along shortest paths until the supply is exhausted.
func (s *ssp) solve() error {
	n, m := s.n, s.m
	src, sink := n+m, n+m+1
	maxIter := 50*(n+m) + 1000
	for it := 0; ; it++ {
		left := 0.0
		for _, x := range s.supply {
			if x > s.eps {
				left += x
			}
		}
		if left <= 1e-12*s.total {
			return nil
		}
		if it >= maxIter {
			return fmt.Errorf("metrics: transport did not converge in %d augmentations (%.3g of the mass left): %w", maxIter, left, ErrValue)
		}
		if !s.dijkstra() {
			return fmt.Errorf("metrics: transport found no augmenting path with %.3g of the mass left: %w", left, ErrValue)
		}
		// Bottleneck along the path sink ← col ← row ← ... ← row ← source.
		delta := math.Inf(1)
		for v := sink; v != src; v = s.prev[v] {
			u := s.prev[v]
			switch {
			case u == src:
				delta = math.Min(delta, s.supply[v])
			case v == sink:
				delta = math.Min(delta, s.demand[u-n])
			case u >= n && v < n: // backward edge column u → row v
				delta = math.Min(delta, s.flow[v*m+(u-n)])
			}
		}
		for v := sink; v != src; v = s.prev[v] {
			u := s.prev[v]
			switch {
			case u == src:
				s.supply[v] -= delta
			case v == sink:
				s.demand[u-n] -= delta
			case u < n && v >= n:
				s.flow[u*m+(v-n)] += delta
			default:
				k := v*m + (u - n)
				s.flow[k] -= delta
				if s.flow[k] < s.eps {
					s.flow[k] = 0
				}
			}
		}
	}
}

// dijkstra computes shortest reduced-cost paths from the source over the residual network,
// updates the potentials and reports whether the sink is reachable.
func (s *ssp) dijkstra() bool {
	n, m := s.n, s.m
	V := n + m + 2
	src, sink := n+m, n+m+1
	for v := 0; v < V; v++ {
		s.dist[v], s.prev[v], s.done[v] = math.Inf(1), -1, false
	}
	s.dist[src] = 0
	relax := func(u, v int, c float64) {
		rc := c + s.pot[u] - s.pot[v]
		if rc < 0 {
			rc = 0 // rounding: reduced costs are non-negative in exact arithmetic
		}
		if d := s.dist[u] + rc; d < s.dist[v] {
			s.dist[v], s.prev[v] = d, u
		}
	}
	for {
		u, best := -1, math.Inf(1)
		for v := 0; v < V; v++ {
			if !s.done[v] && s.dist[v] < best {
				u, best = v, s.dist[v]
			}
		}
		if u < 0 {
			break
		}
		s.done[u] = true
		switch {
		case u == src:
			for i := 0; i < n; i++ {
				if s.supply[i] > s.eps {
					relax(u, i, 0)
				}
			}
		case u < n:
			row := s.cost[u*m : (u+1)*m]
			for j, c := range row {
				if !s.done[n+j] {
					relax(u, n+j, c)
				}
			}
		case u < n+m:
			j := u - n
			for i := 0; i < n; i++ {
				if !s.done[i] && s.flow[i*m+j] > s.eps {
					relax(u, i, -s.cost[i*m+j])
				}
			}
			if s.demand[j] > s.eps {
				relax(u, sink, 0)
			}
		}
	}
	if math.IsInf(s.dist[sink], 1) {
		return false
	}
	for v := 0; v < V; v++ {
		s.pot[v] += math.Min(s.dist[v], s.dist[sink])
	}
	return true
}
