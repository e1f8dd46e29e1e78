package ops

import (
	"math"
	"sync"
)

// The float32 GELU and sigmoid kernels read their function from small tables of cubic
// polynomials (Hermite interpolation of the function and its derivative at knots 1/64 apart,
// stored as the four coefficients of each interval, 16 bytes): the interpolation error is below
// h^4/384 · max|f””| ≈ 2e-10, far under float32's resolution, and the GELU tables (value and
// derivative, 32 KB in all) stay in the L1 cache, where a lookup costs a few nanoseconds against
// about 25 for erf and an exponential. Outside the range GELU(x) is x or 0 to float32 precision
// (Φ(-8) ≈ 6e-16). float64 kernels compute math.Erf exactly.
const (
	geluRange = 8.0
	geluScale = 64.0 // knots per unit
)

// cubicTable returns the coefficients a0..a3 of the cubic a0 + a1 u + a2 u² + a3 u³ (u in
// [0, 1) across each interval) that matches f and its derivative df at the knots
// lo + i/scale, i = 0 .. n.
func cubicTable(f, df func(float64) float64, lo, scale float64, n int) []float32 {
	c := make([]float32, 4*(n+1))
	h := 1 / scale
	for i := 0; i <= n; i++ {
		x0, x1 := lo+float64(i)*h, lo+float64(i+1)*h
		f0, f1, d0, d1 := f(x0), f(x1), h*df(x0), h*df(x1)
		c[4*i], c[4*i+1] = float32(f0), float32(d0)
		c[4*i+2] = float32(3*(f1-f0) - 2*d0 - d1)
		c[4*i+3] = float32(2*(f0-f1) + d0 + d1)
	}
	return c
}

// cubicAt evaluates a cubicTable at x, which must lie in [lo, lo + n/scale); bias is -lo·scale
// (a whole number). All in float32 without losing x's precision: x·scale is exact (scale is a
// power of two), the interval's number comes from the positive x·scale + bias, and the offset u
// in it is a difference of nearby floats, exact (when the sum rounds up across a knot, u is a
// hair below 0 and the cubic of the interval above is continued that far, which is harmless).
func cubicAt(c []float32, x, scale, bias float32) float32 {
	xs := x * scale
	i := int(xs + bias)
	u := xs - (float32(i) - bias)
	k := c[4*i : 4*i+4 : 4*i+4]
	return k[0] + u*(k[1]+u*(k[2]+u*k[3]))
}

var (
	geluOnce          sync.Once
	geluVal, geluGrad []float32
)

func gelu64(x float64) float64 { return 0.5 * x * (1 + math.Erf(x*invSqrt2)) }
func geluD64(x float64) float64 {
	return 0.5*(1+math.Erf(x*invSqrt2)) + x*invSqrt2Pi*math.Exp(-0.5*x*x)
}

// geluD2 is GELU”(x) = φ(x) (2 − x²).
func geluD2(x float64) float64 { return invSqrt2Pi * math.Exp(-0.5*x*x) * (2 - x*x) }

var (
	geluTanhOnce              sync.Once
	geluTanhVal, geluTanhGrad []float32
)

// geluTanhTables returns the cubic tables of tanh-GELU and of its derivative (its second
// derivative, which the derivative's table needs at the knots, by five-point differences,
// accurate to about 1e-11, far under float32's resolution). Beyond ±geluRange tanh-GELU is x
// or 0 to float32 precision, as GELU.
func geluTanhTables() ([]float32, []float32) {
	geluTanhOnce.Do(func() {
		f := func(x float64) float64 { return smoothValue(GELUTanh, x) }
		df := func(x float64) float64 { return smoothDeriv(GELUTanh, x) }
		const h = 1e-3
		d2 := func(x float64) float64 {
			return (8*(df(x+h)-df(x-h)) - (df(x+2*h) - df(x-2*h))) / (12 * h)
		}
		n := int(2 * geluRange * geluScale)
		geluTanhVal = cubicTable(f, df, -geluRange, geluScale, n)
		geluTanhGrad = cubicTable(df, d2, -geluRange, geluScale, n)
	})
	return geluTanhVal, geluTanhGrad
}

// tablesOf returns the float32 tables of GELU or tanh-GELU.
func tablesOf(kind Activation) ([]float32, []float32) {
	if kind == GELUTanh {
		return geluTanhTables()
	}
	return geluTables()
}

// geluTables returns the cubic tables of GELU and of its derivative.
func geluTables() ([]float32, []float32) {
	geluOnce.Do(func() {
		n := int(2 * geluRange * geluScale)
		geluVal = cubicTable(gelu64, geluD64, -geluRange, geluScale, n)
		geluGrad = cubicTable(geluD64, geluD2, -geluRange, geluScale, n)
	})
	return geluVal, geluGrad
}

// geluLookup returns GELU(x) and GELU'(x) for float32 kernels (or tanh-GELU's, from its
// tables).
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
	return cubicAt(val, x, geluScale, geluRange*geluScale), cubicAt(grad, x, geluScale, geluRange*geluScale)
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
	return cubicAt(val, x, geluScale, geluRange*geluScale)
}

// sigmoidRange bounds the sigmoid table: beyond it σ is 0 or 1 to within 2.1e-9.
const (
	sigmoidRange = 20.0
	sigmoidScale = 32.0
)

var (
	sigmoidOnce sync.Once
	sigmoidTab  []float32
)

// sigmoidTable returns the cubic table of the logistic function σ (σ' = σ(1 − σ)).
func sigmoidTable() []float32 {
	sigmoidOnce.Do(func() {
		d := func(x float64) float64 { s := sigmoid(x); return s * (1 - s) }
		sigmoidTab = cubicTable(sigmoid, d, -sigmoidRange, sigmoidScale, int(2*sigmoidRange*sigmoidScale))
	})
	return sigmoidTab
}

// sigmoid32 returns σ(x) for float32 kernels, to within 3e-9 absolute.
func sigmoid32(x float32, tab []float32) float32 {
	if x != x {
		return x
	}
	if x <= -sigmoidRange {
		return 0
	}
	if x >= sigmoidRange {
		return 1
	}
	return cubicAt(tab, x, sigmoidScale, sigmoidRange*sigmoidScale)
}
