package graphs

import (
	"fmt"
	"math"
)

// VoxelsPerDim returns v, the number of voxel cells per dimension used to cluster points of
// dimension dim into about s supernodes: the largest integer with v^dim <= s, computed exactly
// in integers. With floatRoot it is instead the reference's int(s**(1/dim)), a floating-point
// root that falls one short at exact cubes (64, 125, 216, 343 give 3, 4, 5, 6 for dim 3, and
// every cube m^3 with m >= 4 up to at least 10^6 likewise); that changes the number of
// supernodes, so it is an explicit option. The result is at least 1.
func VoxelsPerDim(s, dim int, floatRoot bool) int {
	if s < 1 || dim < 1 {
		return 1
	}
	if dim == 1 {
		return s
	}
	if floatRoot {
		return max(libmRoot(s, dim), 1)
	}
	v := int(math.Pow(float64(s), 1/float64(dim)))
	for v > 1 && !powLE(v, dim, s) {
		v--
	}
	for powLE(v+1, dim, s) {
		v++
	}
	return max(v, 1)
}

// libmRoot returns int(pow(s, 1.0/dim)) as C's correctly rounded pow (glibc, hence Python and
// PyTorch) computes it. Go's math.Pow is not correctly rounded (it gives 5 for 125^(1/3) and
// 2 for 27^(1/3) where glibc gives 4 and 3), so near an integer m the rounding of the exact
// value s^e, e = fl(1/dim), is decided here: s^e = m e^r with
//
//	r = ln(s/m^dim)/dim - (1/dim - e) ln s,
//
// and s^e rounds to m when r >= 0 or m|r| is below half the spacing of doubles under m.
func libmRoot(s, dim int) int {
	e := 1 / float64(dim)
	y := math.Pow(float64(s), e)
	m := math.Round(y)
	if math.Abs(y-m) > 1e-6*m || m < 1 {
		return int(y)
	}
	mi := int(m)
	md := 1
	for range dim {
		if md > (1<<53)/mi {
			return int(y) // too large to decide exactly; never reached for point clouds
		}
		md *= mi
	}
	delta := math.FMA(-float64(dim), e, 1) / float64(dim) // 1/dim - e, exactly up to rounding of the division
	r := math.Log1p(float64(s-md)/float64(md))/float64(dim) - delta*math.Log(float64(s))
	if r >= 0 || -r*m < (m-math.Nextafter(m, 0))/2 {
		return mi
	}
	return mi - 1
}

// powLE reports whether v^dim <= s, without overflow.
func powLE(v, dim, s int) bool {
	p := 1
	for range dim {
		if p > s/v {
			return false
		}
		p *= v
	}
	return p <= s
}

// VoxelCluster groups n points of dimension dim (row-major in pos) into voxel cells, the
// coarse-graining of Dynamic Message Passing (the paper's Appendix B.1; docs/REFERENCE.md §3).
// Each dimension's range [min_d, max_d] over the points is split into v = VoxelsPerDim(s, dim,
// floatRoot) cells of width w_d = (max_d - min_d)/v; point p falls in cell
//
//	c_d = clamp(floor((p_d - min_d) / w_d), 0, v-1)   (0 when w_d = 0),
//
// flattened as c_0 + v c_1 + v^2 c_2 + .... Only occupied cells become supernodes, numbered
// consecutively in increasing flat index; so there are at most v^dim <= s of them, usually
// fewer. A supernode's position is the mean of its members' positions (summed in point order).
//
// s >= n means no clustering: the identity assignment with superPos a copy of pos.
// Everything is computed in float64; the reference computes in float32, so a point lying on a
// cell boundary to within float32 rounding may fall in the neighbouring cell there.
// It returns the supernode of every point, the number of supernodes and their positions
// (nSuper*dim, row-major); errors wrap ErrShape, ErrValue or ErrConfig (s < 1).
func VoxelCluster(pos []float64, n, dim, s int, floatRoot bool) (assign []int, nSuper int, superPos []float64, err error) {
	if err := checkPositions("voxel clustering", pos, n, dim); err != nil {
		return nil, 0, nil, err
	}
	if s < 1 {
		return nil, 0, nil, fmt.Errorf("graphs: voxel clustering of %d points into s = %d supernodes: %w", n, s, ErrConfig)
	}
	if s >= n {
		assign = make([]int, n)
		for i := range assign {
			assign[i] = i
		}
		return assign, n, append([]float64(nil), pos...), nil
	}
	v := VoxelsPerDim(s, dim, floatRoot)
	lo := make([]float64, dim)
	hi := make([]float64, dim)
	copy(lo, pos[:dim])
	copy(hi, pos[:dim])
	for i := 1; i < n; i++ {
		for d, x := range pos[i*dim : i*dim+dim] {
			lo[d] = math.Min(lo[d], x)
			hi[d] = math.Max(hi[d], x)
		}
	}
	width := make([]float64, dim)
	for d := range width {
		width[d] = (hi[d] - lo[d]) / float64(v)
	}
	cells := 1
	for range dim {
		cells *= v
	}
	// assign holds flat cell indices first, then supernode numbers.
	assign = make([]int, n)
	rank := make([]int, cells+1) // occupancy, then the number of each occupied cell
	for i := range n {
		flat, stride := 0, 1
		for d, x := range pos[i*dim : i*dim+dim] {
			c := 0
			if width[d] > 0 {
				q := (x - lo[d]) / width[d]
				if q >= float64(v) {
					c = v - 1
				} else if q > 0 {
					c = int(q)
				}
			}
			flat += c * stride
			stride *= v
		}
		assign[i] = flat
		rank[flat] = 1
	}
	for c := range cells {
		if rank[c] != 0 {
			rank[c] = nSuper + 1
			nSuper++
		}
	}
	superPos = make([]float64, nSuper*dim)
	count := make([]int, nSuper)
	for i := range n {
		g := rank[assign[i]] - 1
		assign[i] = g
		count[g]++
		sp := superPos[g*dim : g*dim+dim]
		for d, x := range pos[i*dim : i*dim+dim] {
			sp[d] += x
		}
	}
	for g, c := range count {
		inv := float64(c)
		for d := range dim {
			superPos[g*dim+d] /= inv
		}
	}
	return assign, nSuper, superPos, nil
}
