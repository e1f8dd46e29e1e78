package graphs

// kdLeafSize is the largest number of points in a k-d tree leaf.
const kdLeafSize = 16

// kdTree is a k-d tree over a point cloud, used for exact kNN queries. Its points are stored
// in tree order (a row-major copy) so that a leaf's points are contiguous in memory.
type kdTree struct {
	n, dim int
	pts    []float64 // points in tree order
	idx    []int     // original index of each point in tree order
	nodes  []kdNode
	box    []float64 // per node: dim minima then dim maxima of its points
}

// kdNode is a node of a kdTree covering the tree-order points [lo, hi).
type kdNode struct {
	lo, hi      int
	left, right int // child nodes, -1 for a leaf
}

// newKDTree builds the tree over n points of dimension dim, splitting at the median of the
// widest dimension (ties between equal coordinates broken by index, so the tree is
// deterministic).
func newKDTree(pos []float64, n, dim int) *kdTree {
	t := &kdTree{n: n, dim: dim, idx: make([]int, n)}
	for i := range t.idx {
		t.idx[i] = i
	}
	t.nodes = make([]kdNode, 0, 4*n/kdLeafSize+1)
	t.box = make([]float64, 0, cap(t.nodes)*2*dim)
	t.build(pos, 0, n)
	t.pts = make([]float64, n*dim)
	for r, i := range t.idx {
		copy(t.pts[r*dim:r*dim+dim], pos[i*dim:i*dim+dim])
	}
	return t
}

// build adds the node for idx[lo:hi] and its subtree, returning its number.
func (t *kdTree) build(pos []float64, lo, hi int) int {
	dim := t.dim
	id := len(t.nodes)
	t.nodes = append(t.nodes, kdNode{lo: lo, hi: hi, left: -1, right: -1})
	b := len(t.box)
	t.box = append(t.box, make([]float64, 2*dim)...)
	bmin, bmax := t.box[b:b+dim], t.box[b+dim:b+2*dim]
	first := t.idx[lo]
	copy(bmin, pos[first*dim:first*dim+dim])
	copy(bmax, pos[first*dim:first*dim+dim])
	for _, i := range t.idx[lo+1 : hi] {
		for d, x := range pos[i*dim : i*dim+dim] {
			if x < bmin[d] {
				bmin[d] = x
			}
			if x > bmax[d] {
				bmax[d] = x
			}
		}
	}
	if hi-lo <= kdLeafSize {
		return id
	}
	split, wide := 0, bmax[0]-bmin[0]
	for d := 1; d < dim; d++ {
		if w := bmax[d] - bmin[d]; w > wide {
			split, wide = d, w
		}
	}
	mid := (lo + hi) / 2
	selectNth(t.idx[lo:hi], mid-lo, func(a, b int) bool {
		xa, xb := pos[a*dim+split], pos[b*dim+split]
		return xa < xb || (xa == xb && a < b)
	})
	left := t.build(pos, lo, mid)
	right := t.build(pos, mid, hi)
	t.nodes[id].left, t.nodes[id].right = left, right
	return id
}

// selectNth reorders s so that s[k] is the element a full sort by less would put there, with
// no greater element before it and no smaller one after it (Hoare's selection with a
// median-of-three pivot; deterministic). less must be a strict total order.
func selectNth(s []int, k int, less func(a, b int) bool) {
	lo, hi := 0, len(s)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		if less(s[mid], s[lo]) {
			s[mid], s[lo] = s[lo], s[mid]
		}
		if less(s[hi], s[lo]) {
			s[hi], s[lo] = s[lo], s[hi]
		}
		if less(s[hi], s[mid]) {
			s[hi], s[mid] = s[mid], s[hi]
		}
		pivot := s[mid]
		i, j := lo, hi
		for i <= j {
			for less(s[i], pivot) {
				i++
			}
			for less(pivot, s[j]) {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}

// boxDist2 is a lower bound on dist2 between point q (tree order) and any point of node id:
// the squared distance from q to the node's bounding box, summed in the same order as dist2.
// Floating-point subtraction and addition are monotone, so the bound holds exactly and a
// neighbour tied at the bound is never pruned.
func (t *kdTree) boxDist2(q []float64, id int) float64 {
	dim := t.dim
	b := id * 2 * dim
	bmin, bmax := t.box[b:b+dim], t.box[b+dim:b+2*dim]
	var s float64
	for d, x := range q {
		var g float64
		if x < bmin[d] {
			g = bmin[d] - x
		} else if x > bmax[d] {
			g = x - bmax[d]
		}
		s += float64(g * g)
	}
	return s
}

// kdVisit is a node waiting on the search stack with its lower bound on the distance.
type kdVisit struct {
	id int
	d2 float64
}

// knn writes, for each original node i, its kk nearest other nodes into src[i*kk:(i+1)*kk]
// in (distance, index) order.
func (t *kdTree) knn(kk int, src []int) {
	h := make(maxHeap, 0, kk)
	stack := make([]kdVisit, 0, 64)
	dim := t.dim
	for r := range t.n {
		i := t.idx[r]
		q := t.pts[r*dim : r*dim+dim]
		h = h[:0]
		stack = append(stack[:0], kdVisit{0, 0})
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(h) == kk && v.d2 > h[0].d2 {
				continue
			}
			nd := t.nodes[v.id]
			if nd.left < 0 {
				if dim == 3 { // the same arithmetic as sqDist, unrolled for the common case
					qx, qy, qz := q[0], q[1], q[2]
					for m := nd.lo; m < nd.hi; m++ {
						p := t.pts[3*m : 3*m+3 : 3*m+3]
						x, y, z := qx-p[0], qy-p[1], qz-p[2]
						d2 := float64(x*x) + float64(y*y) + float64(z*z)
						if m == r || (len(h) == kk && d2 > h[0].d2) {
							continue
						}
						h.offer(neighbour{d2, t.idx[m]}, kk)
					}
					continue
				}
				for m := nd.lo; m < nd.hi; m++ {
					if m == r {
						continue
					}
					d2 := sqDist(q, t.pts[m*dim:m*dim+dim])
					if len(h) == kk && d2 > h[0].d2 {
						continue
					}
					h.offer(neighbour{d2, t.idx[m]}, kk)
				}
				continue
			}
			// push the farther child first so that the nearer one is searched first
			dl, dr := t.boxDist2(q, nd.left), t.boxDist2(q, nd.right)
			if dl <= dr {
				stack = append(stack, kdVisit{nd.right, dr}, kdVisit{nd.left, dl})
			} else {
				stack = append(stack, kdVisit{nd.left, dl}, kdVisit{nd.right, dr})
			}
		}
		h.drainSorted(src[i*kk : (i+1)*kk])
	}
}
