package layers

import (
	"math"
	"sync"
)

// The float32 GELU kernels read GELU(x) and GELU'(x) from tables on [-geluRange, geluRange]
// with linear interpolation: spacing 2^-12, so the interpolation error is below
// h^2/8 · max|f”| ≈ 6e-9, far under float32's resolution, and a lookup costs a few
// nanoseconds against about 25 for erf and an exponential. Outside the range GELU(x) is x or 0
// to float32 precision (Φ(-8) ≈ 6e-16). float64 kernels compute math.Erf exactly.
const (
	geluRange = 8.0
	geluScale = 4096.0 // table points per unit
)

var (
	geluOnce          sync.Once
	geluVal, geluGrad []float32
)

func geluTables() ([]float32, []float32) {
	geluOnce.Do(func() {
		n := int(2*geluRange*geluScale) + 2
		geluVal, geluGrad = make([]float32, n), make([]float32, n)
		for i := range geluVal {
			x := float64(i)/geluScale - geluRange
			cdf := 0.5 * (1 + math.Erf(x*invSqrt2))
			geluVal[i] = float32(x * cdf)
			geluGrad[i] = float32(cdf + x*invSqrt2Pi*math.Exp(-0.5*x*x))
		}
	})
	return geluVal, geluGrad
}

// geluLookup returns GELU(x) and GELU'(x) for float32 kernels.
func geluLookup(x float32, val, grad []float32) (float32, float32) {
	if x != x { // NaN propagates (and must not index the tables)
		return x, x
	}
	if x <= -geluRange {
		return 0, 0
	}
	if x >= geluRange {
		return x, 1
	}
	p := (x + geluRange) * geluScale
	i := int(p)
	f := p - float32(i)
	return val[i] + f*(val[i+1]-val[i]), grad[i] + f*(grad[i+1]-grad[i])
}

// geluValue returns GELU(x) for float32 kernels that do not need the derivative (one table
// read instead of two).
func geluValue(x float32, val []float32) float32 {
	if x != x { // NaN propagates (and must not index the table)
		return x
	}
	if x <= -geluRange {
		return 0
	}
	if x >= geluRange {
		return x
	}
	p := (x + geluRange) * geluScale
	i := int(p)
	f := p - float32(i)
	v := val[i : i+2 : i+2]
	return v[0] + f*(v[1]-v[0])
}
