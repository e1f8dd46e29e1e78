package graphs

import "fmt"

// bruteMaxN is the size up to which KNNGraph compares all pairs; above it (unless nearly every node
// is a neighbour) it searches a k-d tree. Both give identical edges.
const bruteMaxN = 96

// KNNGraph returns the exact k-nearest-neighbour graph of n points of dimension dim (row-major in
// pos): for each node i, an edge j -> i from each of its k nearest other nodes j (messages flow
// from the neighbours into the node; no self loops). Distances are Euclidean; ties are broken
// by the smaller index, so the graph is unique. Edges are grouped by destination node in
// increasing order, and within a node the sources are ordered by distance, then index.
// k >= n-1 gives the full graph (every other node, in the same order).
//
// Small clouds, and those where nearly all nodes are neighbours, are searched by brute force,
// O(n^2); larger ones with a k-d tree, about O(n (k + log n) log k). Errors wrap ErrShape,
// ErrValue or ErrConfig (k < 1).
func KNNGraph(pos []float64, n, dim, k int) (Edges, error) {
	if err := checkPositions("kNN", pos, n, dim); err != nil {
		return Edges{}, err
	}
	if k < 1 {
		return Edges{}, fmt.Errorf("graphs: kNN of %d points with k = %d: %w", n, k, ErrConfig)
	}
	kk := min(k, n-1)
	if kk <= 0 {
		return Edges{Src: []int{}, Dst: []int{}}, nil
	}
	e := Edges{Src: make([]int, n*kk), Dst: make([]int, n*kk)}
	for i := range n {
		dst := e.Dst[i*kk : (i+1)*kk]
		for m := range dst {
			dst[m] = i
		}
	}
	if n <= bruteMaxN || 4*kk >= n {
		knnBrute(pos, n, dim, kk, e.Src)
	} else {
		t := newKDTree(pos, n, dim)
		t.knn(kk, e.Src)
	}
	return e, nil
}

// neighbour is a candidate neighbour: squared distance and index.
type neighbour struct {
	d2 float64
	j  int
}

// before orders neighbours by distance, then index.
func (a neighbour) before(b neighbour) bool {
	return a.d2 < b.d2 || (a.d2 == b.d2 && a.j < b.j)
}

// knnBrute writes the kk nearest other nodes of each node i into src[i*kk:(i+1)*kk]. When
// many nodes are wanted (4 kk >= n) it sorts all candidates; otherwise it keeps the best kk in
// a heap.
func knnBrute(pos []float64, n, dim, kk int, src []int) {
	dense := 4*kk >= n
	cand := make([]neighbour, 0, n)
	var h maxHeap
	if !dense {
		h = make(maxHeap, 0, kk)
	}
	for i := range n {
		out := src[i*kk : (i+1)*kk]
		q := pos[i*dim : i*dim+dim]
		cand, h = cand[:0], h[:0]
		if dim == 3 { // the same arithmetic as sqDist, unrolled for the common case
			qx, qy, qz := q[0], q[1], q[2]
			for j := range n {
				p := pos[3*j : 3*j+3 : 3*j+3]
				x, y, z := qx-p[0], qy-p[1], qz-p[2]
				d2 := float64(x*x) + float64(y*y) + float64(z*z)
				switch {
				case j == i:
				case dense:
					cand = append(cand, neighbour{d2, j})
				case len(h) < kk || d2 <= h[0].d2:
					h.offer(neighbour{d2, j}, kk)
				}
			}
		} else {
			for j := range n {
				if j == i {
					continue
				}
				d2 := sqDist(q, pos[j*dim:j*dim+dim])
				switch {
				case dense:
					cand = append(cand, neighbour{d2, j})
				case len(h) < kk || d2 <= h[0].d2:
					h.offer(neighbour{d2, j}, kk)
				}
			}
		}
		if !dense {
			h.drainSorted(out)
			continue
		}
		sortNeighbours(cand, kk)
		for m := range out {
			out[m] = cand[m].j
		}
	}
}

// maxHeap keeps the best (smallest) candidates seen so far, the worst at the root.
type maxHeap []neighbour

// offer adds c if the heap holds fewer than kk candidates or c comes before the worst.
func (h *maxHeap) offer(c neighbour, kk int) {
	s := *h
	if len(s) < kk {
		s = append(s, c)
		for i := len(s) - 1; i > 0; { // sift up
			p := (i - 1) / 2
			if !s[p].before(s[i]) {
				break
			}
			s[p], s[i] = s[i], s[p]
			i = p
		}
		*h = s
		return
	}
	if !c.before(s[0]) {
		return
	}
	s[0] = c
	s.down(0)
}

func (h maxHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h[l].before(h[r]) {
			m = r
		}
		if !h[i].before(h[m]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// drainSorted writes the indices in increasing (distance, index) order into out and empties
// the heap; len(out) must equal the heap's size.
func (h *maxHeap) drainSorted(out []int) {
	s := *h
	for m := len(s) - 1; m >= 0; m-- {
		out[m] = s[0].j
		last := len(s) - 1
		s[0] = s[last]
		s = s[:last]
		s.down(0)
	}
	*h = s
}
